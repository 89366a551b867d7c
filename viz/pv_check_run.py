"""Checks a skinrd run as ParaView reads it, and its `skinrd paraview` state (.ci/paraview_views):
z is depth below the skin surface (the stratum corneum's top at z = 0, deeper layers at larger
z), the layers carry their names, every concentration array its unit, the first array is a
free concentration, and the state draws depth down the screen at the target layer's peak.

    pvpython viz/pv_check_run.py RUN_DIR     (after skinrd paraview RUN_DIR)
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pv_common as pc  # noqa: E402  (first: it fixes sys.path for paraview)
from paraview import simple as pvs  # noqa: E402


def fail(message):
    print(f"pv_check_run: FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def main():
    run = pc.Run(sys.argv[1])
    if not run.arrays or not run.arrays[0].endswith("]") or " free [" not in run.arrays[0]:
        fail(f"the first cell array is {run.arrays[:1]}, not '<species> free [unit]'")
    for name in run.arrays:
        if name not in ("layer", "material") and not name.endswith("]"):
            fail(f"array {name!r} has no unit")
    layers = pc.Layers(run, run.grid(run.times_s[-1]))
    names = [slab[0] for slab in layers.slabs]
    if "stratum_corneum" not in names or any(n.startswith("layer ") for n in names):
        fail(f"layer names {names}")
    tops = {name: top for name, top, _ in layers.slabs}
    if tops["stratum_corneum"] != 0.0:
        fail(f"the skin surface is at z = {tops['stratum_corneum']}, not 0")
    if [slab[1] for slab in layers.slabs] != sorted(slab[1] for slab in layers.slabs):
        fail("deeper layers do not have larger z")

    state = os.path.join(run.dir, "skinrd_state.py")
    exec(compile(open(state).read(), state, "exec"), {"__file__": state, "__name__": "state"})
    view = pvs.GetActiveView()
    _, y_surface = pc.world_to_viewport(view, [0.0, 0.0, 0.0])
    _, y_deep = pc.world_to_viewport(view, [0.0, 0.0, layers.bottom_um])
    if not y_deep < y_surface:
        fail(f"the state draws depth up the screen (surface at {y_surface:.2f}, bottom at {y_deep:.2f})")
    peak_s, _ = run.peak_time(run.species(None))
    print(f"pv_check_run: ok: {len(run.arrays)} arrays, first {run.arrays[0]!r}; layers "
          f"{', '.join(f'{n} {t:g}' for n, t, _ in layers.slabs)} um; state: depth down, "
          f"t = {view.ViewTime:g} s")


if __name__ == "__main__":
    pc.run_main(main)
