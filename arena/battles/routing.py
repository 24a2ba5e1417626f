from django.urls import path

from arena.battles.consumers import BattleConsumer

websocket_urlpatterns = [path("ws/arena/", BattleConsumer.as_asgi())]
