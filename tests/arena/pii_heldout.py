"""Held-out labelled prompts for the PII redactor, same shape as pii_corpus.CORPUS.

Written before the redactor was reworked for issue 12 and never used to tune it: the benchmark
reports recall on these separately, and the tests only check that the figure is printed, not that it
is high. If a case here fails, fix the redactor with a case of its own in pii_corpus.py, not by
editing this file.

Every value is made up: registration numbers have valid dates, cards pass Luhn, business numbers
pass their checksum, the barcode has a valid EAN-13 check digit.
"""

HELD_OUT: list[tuple[str, list[tuple[str, str]]]] = [
    # --- registration numbers, disguised ---
    ("제 주민번호는 ８５０３１５－２１０９８７６ 이에요", [("rrn", "８５０３１５－２１０９８７６")]),
    ("생년월일 앞자리는 931017 이고 뒷자리는 2345671 입니다", [("rrn", "931017"), ("rrn", "2345671")]),
    ("주민등록번호 030512 — 4123456 맞나요", [("rrn", "030512 — 4123456")]),
    ("외국인등록번호 950607ㅡ6123457 로 접수", [("frn", "950607ㅡ6123457")]),
    ("주민번호 900101 1234567 로 본인확인", [("rrn", "900101 1234567")]),
    # --- phones ---
    ("휴대폰 ０１０－５５５５－１２３４ 로 연락", [("phone", "０１０－５５５５－１２３４")]),
    ("연락처: (010) 9876 5432", [("phone", "(010) 9876 5432")]),
    ("전화 010·3333·4444 로 주세요", [("phone", "010·3333·4444")]),
    ("국제전화 +82-10-2468-1357 로 걸어요", [("phone", "+82-10-2468-1357")]),
    ("사무실 대표번호 02)3456-7890", [("phone", "02)3456-7890")]),
    ("제 번호 010 \u2011 1234 \u2011 5678 이에요", [("phone", "010 \u2011 1234 \u2011 5678")]),
    # --- cards ---
    ("카드 5105 1051 0510 5100 로 결제", [("card", "5105 1051 0510 5100")]),
    ("카드번호 ４０１２８８８８８８８８１８８１", [("card", "４０１２８８８８８８８８１８８１")]),
    ("비자카드 4242-4242-4242-4242 해지", [("card", "4242-4242-4242-4242")]),
    # --- e-mail ---
    ("메일 park.minsu＠korea.kr 로 회신", [("email", "park.minsu＠korea.kr")]),
    ("이메일: choi ＠ naver.com 으로", [("email", "choi ＠ naver.com")]),
    ("hong＠example．com 로 보내 주세요", [("email", "hong＠example．com")]),
    # --- addresses ---
    ("주소: 서울특별시 종로구 세종대로 209, 3층", [("address", "서울특별시 종로구 세종대로 209, 3층")]),
    (
        "경기도 수원시 팔달구 효원로 1. 101동 502호 로 보내 주세요",
        [("address", "경기도 수원시 팔달구 효원로 1. 101동 502호")],
    ),
    ("인천광역시 남동구 구월동 1138-2번지", [("address", "인천광역시 남동구 구월동 1138-2번지")]),
    ("부산광역시 연제구 중앙대로 1001(연산동)", [("address", "부산광역시 연제구 중앙대로 1001(연산동)")]),
    ("올림픽로 300 에서 만나요", [("address", "올림픽로 300")]),
    # --- accounts, business numbers, passports, licences ---
    ("신한은행 110234567890 으로 이체", [("bank_account", "110234567890")]),
    ("계좌번호는 3333－02－1234567 입니다", [("bank_account", "3333－02－1234567")]),
    ("카카오뱅크 3333 12 3456789 로 보내 주세요", [("bank_account", "3333 12 3456789")]),
    ("사업자등록번호 214\u201081\u201000011", [("brn", "214\u201081\u201000011")]),
    ("여권번호 M987Z6543 만료 전", [("passport", "M987Z6543")]),
    ("운전면허번호 12-19-123456-78 분실", [("driver_license", "12-19-123456-78")]),
    # --- look-alikes that must stay ---
    ("상품 바코드 8801043014830 재고 확인", []),
    ("주문번호 2023112812345 배송 문의", []),
    ("사건번호 2024고단1234 판결문", []),
    ("접수번호 9912011234567 조회", []),
    ("회의실 3층 301호에서 봅시다", []),
    ("2024－05－17 회의", []),
    ("가격 ₩1,250,000 부가세 포함", []),
    ("전화 110 또는 120 다산콜센터", []),
    ("KTX 101편 09:30 출발", []),
    ("이 방법으로 10번 시도했어요", []),
    ("버전 2.10.3 으로 업데이트", []),
    ("ISBN 979-11-6224-123-4 도서", []),
    ("좌석 12A, 게이트 23", []),
    ("우편번호 06236 으로", []),
    ("통장 사본과 신분증을 준비하세요", []),
    ("주민센터 전화번호 안내", []),
]
