"""How a record's AI Basic Act area lines up with the EU AI Act and the US federal rules (pure).

- Korea: 인공지능 기본법 (in force 2026-01-22), 제2조제4호 가-카: the areas where an AI system can be
  고영향 인공지능 (high-impact AI). A record states its tier (RiskTier) and area (HighImpactArea).
- EU: AI Act Annex III, the areas of stand-alone high-risk systems (points 1-8). Public-authority
  deployers register such uses in the EU database from 2 August 2026 (Art. 49(3)).
- US: OMB M-25-21, uses presumed high-impact (section 6); the labels below name the domain of each
  purpose in short, they are not the memorandum's wording.

The crosswalk says where an area of the Korean Act falls in the other two, so a record filed once reads
in all three; "none" means the other regime has no matching area (medical devices are EU product law,
Annex I, not Annex III).
"""

from __future__ import annotations

EU_ANNEX_III = {
    "1": "Biometrics",
    "2": "Critical infrastructure",
    "3": "Education and vocational training",
    "4": "Employment, workers management and access to self-employment",
    "5": "Access to and enjoyment of essential private services and essential public services and benefits",
    "6": "Law enforcement",
    "7": "Migration, asylum and border control management",
    "8": "Administration of justice and democratic processes",
}
US_HIGH_IMPACT = {
    "critical_infrastructure": "Safety-critical functions of critical infrastructure",
    "health": "Health care",
    "law_enforcement": "Law enforcement and biometric identification",
    "employment": "Employment",
    "financial": "Credit and financial services",
    "transport": "Transportation safety",
    "benefits": "Government benefits and services",
    "education": "Education",
}
# HighImpactArea value -> (EU Annex III points, US domains)
CROSSWALK: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "energy": (("2",), ("critical_infrastructure",)),
    "drinking_water": (("2",), ("critical_infrastructure",)),
    "health_care": (("5",), ("health",)),
    "medical_devices": ((), ("health",)),
    "nuclear": (("2",), ("critical_infrastructure",)),
    "biometrics_investigation": (("1", "6"), ("law_enforcement",)),
    "rights_decisions": (("4", "5"), ("employment", "financial")),
    "transport": (("2",), ("transport",)),
    "public_services": (("5",), ("benefits",)),
    "education_assessment": (("3",), ("education",)),
    "other_decree": ((), ()),
    "none": ((), ()),
    "not_reported": ((), ()),
}


def eu_areas(area: str) -> list[dict[str, str]]:
    return [{"point": p, "name": EU_ANNEX_III[p]} for p in CROSSWALK.get(area, ((), ()))[0]]


def us_categories(area: str) -> list[dict[str, str]]:
    return [{"key": k, "name": US_HIGH_IMPACT[k]} for k in CROSSWALK.get(area, ((), ()))[1]]
