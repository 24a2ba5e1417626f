"""Judged queries for the catalogue's search: (query, the records a person judged relevant).

English: over the 25 unchanged records of the US 2025 federal inventory (ax_catalog/data/
us-federal-2025-sample.csv), records named by their title. Korean: over the 14 grounded sample cases
(ax_catalog/sample_data.py), by case id. Judged by reading each record, before measuring: a record is
relevant when a person asking the query would want it on the first page.

P@5 here is the share of the first five results that are relevant, out of the most that could be
(min(5, relevant)): with 25 records most queries have one or two right answers.
"""

ENGLISH = [
    (
        "summarization of documents",
        {
            "Document summarization",
            "Voicemail Transcription, Translation and Summarization",
            "Meeting Transcription Summarization",
            "Project Optimus - Prime Contract",
        },
    ),
    (
        "translation services for documents",
        {"Document Translation Service (DTS)", "Voicemail Transcription, Translation and Summarization"},
    ),
    (
        "transcribing meetings",
        {"Meeting Transcription Summarization", "Voicemail Transcription, Translation and Summarization"},
    ),
    (
        "blockchain analysis for investigators",
        {"Blockchain Analysis", "Digital Asset Liquidity Risk Analysis"},
    ),
    (
        "forecasting of droughts and the weather",
        {
            "Data-Driven Streamflow Drought [2024 INV#WO0000000109714]",
            "AI-Driven Global Forecast Model and Ensemble",
        },
    ),
    (
        "predicting the performance of aircraft engines",
        {"Aero-Engines AI - a machine-learning app for aircraft engine system-performance prediction"},
    ),
    ("classifying clinical notes", {"Teledermatology Clinical Outcome Classification"}),
    (
        "counting seals and sea lions",
        {
            "California sea lion, Steller sea lion, and northern fur seal automated count program in the California "
            "current"
        },
    ),
    ("benefits for veterans", {"Veterans Life Tailored"}),
    ("sentiment analysis of customer feedback", {"No-Code Text and Sentiment Analysis with XM Discover"}),
    (
        "detecting fires",
        {
            "The Next Generation Fire System (NGFS): Automated human expert-like detection of fires in satellite imagery"
        },
    ),
    (
        "market research for pricing of services",
        {"LaborMatch IQ - Efficient Services Pricing Market Research"},
    ),
    ("scanning documents with OCR", {"OCR for Scanning and Cataloging Documentation [Captiva Open Text]"}),
    ("generating text with generative AI", {"Generative AI - Text Generation"}),
    (
        "chemical predictions with neural networks",
        {
            "Prediction of Spaceflight Mass Spectrometry Chemical Information with Neural Networks",
            "Inference of PFAS precursor compositions",
        },
    ),
]

KOREAN = [
    ("챗봇", {"SEOUL-2025-001", "KAMCO-2025-001", "MOIS-2025-001"}),
    ("AI 챗서비스", {"MOIS-2025-001", "SEOUL-2025-001", "KAMCO-2025-001"}),
    ("상담 챗봇", {"SEOUL-2025-001", "KAMCO-2025-001", "MOIS-2025-001", "MFDS-2025-001", "NTS-2025-001"}),
    ("민원 상담", {"MOIS-2025-001", "NTS-2025-001", "SEOUL-2025-001", "MFDS-2025-001"}),
    ("국세 상담", {"NTS-2025-001"}),
    ("산불 감지", {"KEPCO-2025-001"}),
    ("설문 결과를 분석하는 AI", {"GUNWI-2025-001"}),
    ("정보공개청구 답변", {"MOIS-2025-003"}),
    ("디지털트윈", {"KWATER-2025-001"}),
    ("112 신고", {"KNPA-2025-001"}),
    ("수입물품 안전", {"KCS-2025-001", "MFDS-2025-001"}),
    ("성범죄 영상 삭제", {"SEOUL-2025-002"}),
    ("근로감독", {"MOEL-2025-001"}),
    ("받을 수 있는 혜택 검색", {"MOIS-2025-002"}),
    ("국유재산 문의", {"KAMCO-2025-001"}),
    ("물 관리 시설", {"KWATER-2025-001"}),
]


def precision_at_5(ranked: list[str], relevant: set[str]) -> float:
    return len(set(ranked[:5]) & relevant) / min(5, len(relevant))
