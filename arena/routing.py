from django.urls import path

from arena.consumers import BattleConsumer

websocket_urlpatterns = [path("ws/arena/", BattleConsumer.as_asgi())]
