"""The open vote dataset: every vote, valid or excluded, with redacted prompts and nothing identifying.

Written as JSONL (one record per vote, nested) and CSV (flat), with a README holding the schema, the
licence and a data-quality section, leaderboard.json holding the boards computed from exactly these
votes, and one dated ranking CSV per board. Rows that a sensitive-data report had redacted
(arena/ratings/open_data.py) keep their vote but lose their text, in this export and every later one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from arena.models import Vote
from arena.ratings.method import method_settings
from arena.ratings.open_data import REDACTED_TEXT, redacted_vote_ids
from arena.ratings.ranking_csv import LICENCE, ranking_csv_write, ranking_filename
from arena.ratings.register import version_register
from arena.ratings.snapshots import snapshot_recompute
from arena.ratings.tables import STYLE_FIELDS, VIEWS, panel_voters, raking_weights
from arena.safety.redaction import redact
from core import spreadsheet

CSV_FIELDS = [
    "vote_id",
    "battle_id",
    "created_at",
    "voter",
    "choice",
    "inclusion",
    "panel",
    "raking_weight",
    "model_a_id",
    "model_a",
    "team_a",
    "model_a_version",
    "model_b_id",
    "model_b",
    "team_b",
    "model_b_version",
    "pair_probability",
    "pair_weight",
    "trust",
    "trust_weight",
    "turn_count",
    "language",
    "seconds_after_last_token",
    *[f"{name}_{side}" for name in STYLE_FIELDS for side in "ab"],
    "prompts",
    "redacted",
    "reason_criteria",
    "reason",
    "reason_tags_a",
    "reason_tags_b",
]


def vote_records(up_to_vote: int) -> Iterator[dict]:
    panel_members = set(panel_voters().values_list("voter", flat=True))
    weights = raking_weights()
    redacted = redacted_vote_ids()
    votes = (
        Vote.objects.filter(pk__lte=up_to_vote)
        .select_related("battle__model_a__team", "battle__model_b__team", "reason")
        .prefetch_related("battle__turns", "tags")
        .order_by("id")
    )
    for vote in votes.iterator(chunk_size=2000):
        battle = vote.battle
        hidden = vote.pk in redacted
        reason = getattr(vote, "reason", None)
        yield {
            "vote_id": vote.pk,
            "battle_id": str(battle.pk),
            "created_at": vote.created_at.isoformat(),
            "voter": vote.voter,
            "choice": vote.choice,
            "inclusion": vote.inclusion,
            "panel": vote.voter in panel_members,
            # The voter's weight towards the panel's margins (post-stratified view); None when the
            # voter is on the panel or gave no optional profile. Profiles themselves are not exported.
            "raking_weight": None if vote.voter in panel_members else weights.get(vote.voter),
            "model_a": _model(battle.model_a, battle.model_a_version),
            "model_b": _model(battle.model_b, battle.model_b_version),
            "pair_probability": battle.pair_probability,
            # What the vote counts for in the fit: the pair's weight back to the reference design
            # (active sampling) times its voter's trust (trust: why, from the hourly scan).
            "pair_weight": battle.pair_weight,
            "trust": vote.trust,
            "trust_weight": vote.weight,
            "turn_count": battle.turn_count,
            "language": battle.language,
            "seconds_after_last_token": round(vote.seconds_after_last_token, 3),
            "style": {f"{n}_{s}": getattr(battle, f"{n}_{s}") for n in STYLE_FIELDS for s in "ab"},
            # Stored text was redacted on the way in; redacting again costs little and covers
            # anything stored before a redaction rule was added.
            "turns": [
                {
                    "prompt": REDACTED_TEXT if hidden else redact(t.prompt).text,
                    "response_a": REDACTED_TEXT if hidden else redact(t.response_a).text,
                    "response_b": REDACTED_TEXT if hidden else redact(t.response_b).text,
                }
                for t in battle.turns.all()
            ],
            "redacted": hidden,
            "reason": _reason(reason, hidden),
            # One-tap reasons given after the vote, per side (keys of the configured list).
            "reason_tags": {side: sorted(t.tag for t in vote.tags.all() if t.side == side) for side in "ab"},
        }


def _reason(reason, hidden: bool) -> dict | None:
    if reason is None:
        return None
    return {"criteria": list(reason.criteria), "text": REDACTED_TEXT if hidden else redact(reason.text).text}


def _model(endpoint, version: str) -> dict:
    return {"id": endpoint.pk, "name": endpoint.name, "team": endpoint.team.name, "version": version}


def _flat(record: dict) -> dict:
    return {
        **{
            k: record[k]
            for k in (
                "vote_id",
                "battle_id",
                "created_at",
                "voter",
                "choice",
                "inclusion",
                "panel",
                "raking_weight",
            )
        },
        **{f"model_{s}_id": record[f"model_{s}"]["id"] for s in "ab"},
        "model_a": record["model_a"]["name"],
        "team_a": record["model_a"]["team"],
        "model_a_version": record["model_a"]["version"],
        "model_b": record["model_b"]["name"],
        "team_b": record["model_b"]["team"],
        "model_b_version": record["model_b"]["version"],
        **{
            k: record[k]
            for k in (
                "pair_probability",
                "pair_weight",
                "trust",
                "trust_weight",
                "turn_count",
                "language",
                "seconds_after_last_token",
            )
        },
        **record["style"],
        "prompts": json.dumps([t["prompt"] for t in record["turns"]], ensure_ascii=False),
        "redacted": record["redacted"],
        "reason_criteria": " ".join(record["reason"]["criteria"]) if record["reason"] else "",
        "reason": record["reason"]["text"] if record["reason"] else "",
        "reason_tags_a": " ".join(record["reason_tags"]["a"]),
        "reason_tags_b": " ".join(record["reason_tags"]["b"]),
    }


def export_votes(out: Path) -> dict[str, int]:
    """Refit the boards, then write the votes they were fitted on. Returns counts per inclusion."""
    out.mkdir(parents=True, exist_ok=True)
    # One register for the boards and for models.json: the rebuild reads the facts the boards used.
    register = version_register()
    snapshots = snapshot_recompute(register=register)
    up_to = snapshots[0].method["last_vote_id"]
    method_version = snapshots[0].method_version
    counts: dict[str, int] = {}
    with (
        (out / "votes.jsonl").open("w", encoding="utf-8") as jsonl,
        (out / "votes.csv").open("w", encoding="utf-8", newline="") as csv_file,
    ):
        writer = spreadsheet.dict_writer(csv_file, CSV_FIELDS)  # BOM, formula-looking cells defused
        writer.writeheader()
        quality = DataQuality()
        for record in vote_records(up_to):
            jsonl.write(json.dumps(record, ensure_ascii=False) + "\n")
            writer.writerow(_flat(record))
            counts[record["inclusion"]] = counts.get(record["inclusion"], 0) + 1
            quality.add(record)
    boards = {
        s.view: {
            "method_version": s.method_version,
            "created_at": s.created_at.isoformat(),
            "votes_counted": s.votes_counted,
            "votes_excluded": s.votes_excluded,
            "seed": s.seed,
            "bootstrap_rounds": s.bootstrap_rounds,
            "min_votes": s.min_votes,
            "rows": s.rows,
            "matrices": s.matrices,
            "method": s.method,
        }
        for s in snapshots
    }
    (out / "leaderboard.json").write_text(json.dumps(boards, ensure_ascii=False, indent=1), encoding="utf-8")
    models = {"method_version": method_version, "settings": method_settings(), "models": register}
    (out / "models.json").write_text(json.dumps(models, ensure_ascii=False, indent=1), encoding="utf-8")
    rankings = []
    for snapshot in snapshots:
        rankings.append(ranking_filename(snapshot))
        with (out / rankings[-1]).open("w", encoding="utf-8", newline="") as handle:
            ranking_csv_write(handle, snapshot)
    (out / "README.md").write_text(
        _readme(counts, up_to, quality, rankings, method_version, len(register)), encoding="utf-8"
    )
    return counts


class DataQuality:
    """What a re-user should know before trusting the rows (compar:IA's audit found 19.6% of its
    conversations not ending with an answer): counted per export, printed in the README."""

    def __init__(self) -> None:
        self.votes = 0
        self.no_turns = 0
        self.no_final_answer = 0
        self.redacted = 0
        self.first_prompts: dict[str, int] = {}

    def add(self, record: dict) -> None:
        self.votes += 1
        self.redacted += int(record["redacted"])
        turns = record["turns"]
        if not turns:
            self.no_turns += 1
            return
        last = turns[-1]
        if not last["response_a"].strip() or not last["response_b"].strip():
            self.no_final_answer += 1
        if not record["redacted"]:
            key = " ".join(turns[0]["prompt"].split()).casefold()
            self.first_prompts[key] = self.first_prompts.get(key, 0) + 1

    @property
    def duplicate_prompts(self) -> int:
        """Distinct first prompts asked in more than one battle."""
        return sum(1 for n in self.first_prompts.values() if n > 1)

    @property
    def votes_on_duplicate_prompts(self) -> int:
        return sum(n for n in self.first_prompts.values() if n > 1)


def _readme(
    counts: dict[str, int],
    up_to: int,
    quality: DataQuality,
    rankings: list[str],
    method_version: str,
    versions: int,
) -> str:
    views = ", ".join(VIEWS)
    excluded = {k: v for k, v in sorted(counts.items()) if k != Vote.Inclusion.VALID}
    lines = [
        "# K-AI 공공평가 투표 자료 (public vote dataset)",
        "",
        f"Licence: {LICENCE}. Method version: {method_version} (changelog: /methodology/changes/).",
        f"Votes up to id {up_to}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".",
        "",
        "Every vote is here, counted or not; `inclusion` says why a vote was left out of the ranking.",
        "",
        "## What was removed before publication",
        "- Personal details in the prompts and in both answers were replaced by typed placeholders, by an",
        "  automatic rule-based redactor (arena/safety/redaction.py): prompts and both answers were redacted when",
        "  stored and again when this file was written: 주민등록번호 [주민등록번호], 외국인등록번호 [외국인등록번호], 사업자등록번호 [사업자등록번호],",
        "  전화번호 [전화번호], 카드번호 [카드번호], e-mail [이메일], 여권번호 [여권번호], 운전면허번호 [운전면허번호],",
        "  계좌번호 [계좌번호] and road-name, lot-number and apartment addresses [주소]. It reads through full-width",
        "  digits, Unicode dashes, zero-width and tag characters and the usual separators.",
        "- Kept on purpose: product barcodes (EAN-13 beside a product word) and numbers right after their own",
        "  order, case or receipt word (주문번호, 사건번호, 접수번호, ...).",
        "- It is automatic and can miss a detail written in an unusual way (spelled out in words, for example).",
        "  Its measured precision and recall per kind are printed by the portal's benchmark (`make bench`). If",
        "  you find personal data here, report it to the portal operator: it will be removed from the next",
        "  release.",
        "- Model and maker names a model said in its answer are shown as [모델명] (they were masked in the live",
        "  stream too); invisible characters (zero-width, bidi and tag characters) were removed.",
        "- Not published at all: IP addresses (never stored), network and device hashes (kept for one day's",
        "  checks only, under a key destroyed the next day), optional voter profiles, endpoint addresses and keys.",
        "- `voter` is a keyed hash of a random per-browser token: it links one person's votes, nothing else.",
        "",
        "## Files",
        "- votes.jsonl: one JSON object per vote (schema below).",
        "- votes.csv: the same, flat; `prompts` is a JSON list of the battle's prompts.",
        f"- leaderboard.json: the boards ({views}) fitted on exactly these votes, each with its method version.",
        f"- models.json: every model version that ever took part in a battle ({versions}), retired ones",
        "  included (nothing tested is retracted): team, version strings, first and last battle, attestation",
        "  (checkpoint, parameters, licence, release, statement), retirement date and reason, and the method",
        "  settings the listing rule used (provisional and fresh-vote thresholds, variant cap, season start).",
        "- one ranking CSV per board, named board_date_licence: rank upper bound, rating, 95% interval,",
        "  votes, win rate, method version and licence on every row: " + ", ".join(rankings) + ".",
        "",
        "## Data quality",
        f"- Votes: {quality.votes}; counted in the ranking: {counts.get(Vote.Inclusion.VALID, 0)}.",
        "- Excluded, by reason: "
        + (", ".join(f"{k} {v}" for k, v in excluded.items()) if excluded else "none")
        + " (kept in the files so every exclusion can be checked).",
        f"- Conversations without a final answer on both sides: {quality.no_final_answer}.",
        f"- Votes whose conversation is no longer kept (deleted at the citizen's request or after the"
        f" retention period): {quality.no_turns}.",
        f"- Duplicate prompts: {quality.duplicate_prompts} first prompts were asked in more than one battle"
        f" ({quality.votes_on_duplicate_prompts} votes); repeats past the daily limit are excluded as"
        " duplicate_prompt.",
        f"- Rows redacted after a sensitive-data report: {quality.redacted} (`redacted: true`; the vote stays,"
        " its text is replaced). Report sensitive data at /open-data/.",
        "",
        "## Schema (votes.jsonl)",
        "- vote_id (int), battle_id (uuid), created_at (ISO 8601, Asia/Seoul offset)",
        "- voter (pseudonymous id), choice: a | b | tie | both_bad",
        "- panel (true for verified citizen-panel members), raking_weight (open-public voters with the optional",
        "  profile: their weight towards the panel's target margins; profiles themselves are not published)",
        "- inclusion: valid | identity_leak | too_fast | anomalous_voter | rate_limited | duplicate_prompt |"
        " deleted_by_citizen | staff_excluded | network_burst (first-time voters from one network backing one"
        " model in one window; see the methodology page)",
        "- model_a, model_b: {id, name, team, version} as shown on the left (A) and right (B)",
        "- pair_probability: probability with which this unordered pair was drawn",
        "- pair_weight: P(pair) under equal team exposure / pair_probability (1 unless active sampling drew it)",
        "- trust, trust_weight: the voter's trust level (panel, established, new) and the weight it gives",
        "  the vote; every board fits each counted vote with weight pair_weight x trust_weight",
        "  (x raking_weight on the post-stratified board)",
        "- turn_count, language (ko | other, of the first prompt), seconds_after_last_token",
        "- style: characters, markdown headers, list items and bold spans per side, summed over turns",
        "- turns: [{prompt, response_a, response_b}]",
        "- redacted (true when a sensitive-data report removed the row's text)",
        "- reason: null, or {criteria: [accuracy | fluency | helpfulness | safety | clarity], text} (panel votes)",
        "- reason_tags: {a: [tag], b: [tag]}, optional one-tap reasons given after the vote about each side",
        "  (good points of the chosen answer, weak points of the other; both sides for a tie or both bad).",
        "  Built-in tags: accurate, clear, well_sourced, natural_korean, helpful (good); made_up, harmful,",
        "  refused_needlessly, off_topic, awkward_korean (weak). Operators may configure others.",
        "",
        "## Rebuilding the leaderboard",
        "`python manage.py leaderboard_from_export DIR` refits every view from votes.jsonl and models.json with",
        "the seed, rounds and listing settings in leaderboard.json and checks that the result is identical. It",
        "refuses an export whose method version it does not implement.",
    ]
    return "\n".join(lines) + "\n"
