"""The schedule of a run, from the scenario.toml it wrote: when each dose goes on, a film is
wiped off, needles finish releasing and come out. The same keys the delivery parsers read
(host/delivery: at, every, times, wipe_off_after, wear, dissolution_time/release_time,
infusion/duration), so every time axis can mark them."""
import os
import re
import tomllib

SECONDS = {"ms": 1e-3, "s": 1.0, "min": 60.0, "h": 3600.0, "d": 86400.0, "week": 604800.0,
           "weeks": 604800.0}

# Event kinds in the order the legends list them: (key, legend text, marker).
KINDS = [("dose", "dose applied / injected", "v"),
         ("released", "needles released their payload", "d"),
         ("needles_out", "needles out", "^"),
         ("wipe_off", "wiped off", "x")]


def seconds(text):
    """'8 h', '30 min', '1e3 s' -> seconds (host/scenario/units.cpp's time units)."""
    match = re.fullmatch(r"\s*([-+0-9.eE]+)\s*([a-z]+)\s*", str(text))
    if not match or match.group(2) not in SECONDS:
        raise ValueError(f"not a duration: '{text}'")
    return float(match.group(1)) * SECONDS[match.group(2)]


def _starts(entry):
    at_s = seconds(entry.get("at", "0 s"))
    every_s = seconds(entry["every"]) if "every" in entry else 0.0
    return [at_s + n * every_s for n in range(int(entry.get("times", 1)))]


def events_of_scenario(scenario):
    """{kind: sorted list of times in s} of a parsed scenario."""
    events = {kind: set() for kind, _, _ in KINDS}
    for entry in scenario.get("topical", []):
        for start in _starts(entry):
            events["dose"].add(start)
            if "wipe_off_after" in entry:
                events["wipe_off"].add(start + seconds(entry["wipe_off_after"]))
    for entry in scenario.get("intradermal", []):
        for start in _starts(entry):
            events["dose"].add(start)
    for entry in scenario.get("microneedle", []):
        for start in _starts(entry):
            events["dose"].add(start)
            wear_s = seconds(entry["wear"])
            events["needles_out"].add(start + wear_s)
            kind = entry.get("kind")
            release = {"dissolving": ("dissolution_time", "10 min"), "coated": ("release_time", "30 s"),
                       "hollow": ("duration", None)}.get(kind)
            if release:
                key, default = release
                text = entry.get(key, default)
                release_s = seconds(text) if text else wear_s
                if release_s < wear_s:
                    events["released"].add(start + release_s)
    return {kind: sorted(times) for kind, times in events.items() if times}


def run_events(run_dir):
    """The events of the run in run_dir, or {} when it has no scenario.toml to read."""
    path = os.path.join(run_dir, "scenario.toml")
    try:
        with open(path, "rb") as f:
            return events_of_scenario(tomllib.load(f))
    except OSError:
        return {}
