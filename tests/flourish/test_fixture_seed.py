import json
from pathlib import Path

SEEDS = Path("/work/shared/seeds")
FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "flourish_measures.json"


def test_every_measure_quote_is_verbatim_in_its_seed():
    data = json.loads(FIXTURE.read_text())
    for m in data["measures"]:
        seed = (SEEDS / m["source"].split()[0]).read_text()
        assert m["source_quote"] in seed, m["code"]
        for v in m["values"]:
            assert f"{v['value']:g}" in m["source_quote"], (m["code"], v)
