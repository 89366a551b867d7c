"""Checks a drawn matplotlib figure for what makes it hard to read, from the renderer's own
text extents: text boxes that overlap or leave the canvas, panels whose ticks carry a
multiplier (x1e6 beside x1e7), shared panels with different limits, and empty panels.
compare_plots.py runs them on every figure it writes; tests/compare_figures_test.py too."""
import re


class FigureLayoutError(Exception):
    """A figure that would mislead or cannot be read; the message names the texts."""


OVERLAP_TOLERANCE_PX = 0.5  # antialiasing: boxes that touch are not an overlap


def _in_view(axis, label):
    low, high = sorted(axis.get_view_interval())
    x, y = label.get_position()
    value = x if axis.axis_name == "x" else y
    span = (high - low) * 1e-9
    return low - span <= value <= high + span


def _tick_labels(ax):
    for axis in (ax.xaxis, ax.yaxis):
        for label in axis.get_ticklabels(minor=False) + axis.get_ticklabels(minor=True):
            if label.get_visible() and label.get_text() and _in_view(axis, label):
                yield label


def text_boxes(fig, renderer):
    """(description, bbox) of every visible, non-empty text: titles, axis and tick labels,
    annotations, figure texts, and each legend as one box."""
    from matplotlib.text import Text  # here: compare_plots.py imports this before it has matplotlib

    boxes = []

    def add(what, artist):
        what = re.sub(r"\$\\mathdefault\{(.*?)\}\$", r"\1", what)  # '10^{-10}', not its mathtext
        if not artist.get_visible():
            return
        if isinstance(artist, Text):  # the text's own box: an annotation's includes its arrow
            if artist.get_text().strip():
                boxes.append((what, Text.get_window_extent(artist, renderer)))
        else:
            boxes.append((what, artist.get_window_extent(renderer)))

    for t in fig.texts:
        add(f"figure text '{t.get_text()}'", t)
    for legend in fig.legends:
        add("figure legend", legend)
    for n, ax in enumerate(fig.axes):
        if not ax.get_visible():
            continue
        name = ax.get_title() or f"panel {n}"
        for t in (ax.title, ax._left_title, ax._right_title, ax.xaxis.label, ax.yaxis.label):
            add(f"'{t.get_text()}' of {name}", t)
        for t in _tick_labels(ax):
            add(f"tick '{t.get_text()}' of {name}", t)
        for t in ax.texts:
            add(f"'{t.get_text()}' in {name}", t)
        if ax.get_legend() is not None:
            add(f"legend of {name}", ax.get_legend())
    return boxes


def check_text_layout(fig, drawn=False):
    """Raises FigureLayoutError when two texts overlap or one is cut by the canvas edge."""
    if not drawn:
        fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = text_boxes(fig, renderer)
    width, height = fig.canvas.get_width_height()
    problems = []
    for what, box in boxes:
        if box.x0 < -OVERLAP_TOLERANCE_PX or box.y0 < -OVERLAP_TOLERANCE_PX or \
                box.x1 > width + OVERLAP_TOLERANCE_PX or box.y1 > height + OVERLAP_TOLERANCE_PX:
            problems.append(f"{what} is cut by the figure's edge")
    for i, (what_a, a) in enumerate(boxes):
        for what_b, b in boxes[i + 1:]:
            dx = min(a.x1, b.x1) - max(a.x0, b.x0)
            dy = min(a.y1, b.y1) - max(a.y0, b.y0)
            if dx > OVERLAP_TOLERANCE_PX and dy > OVERLAP_TOLERANCE_PX:
                problems.append(f"{what_a} overlaps {what_b} ({dx:.0f} x {dy:.0f} px)")
    if problems:
        raise FigureLayoutError("; ".join(problems))


def check_scales(fig, drawn=False):
    """Raises when a panel's ticks need a multiplier (offset text such as x1e6), or when
    panels that share an axis show different limits."""
    if not drawn:
        fig.canvas.draw()
    problems = []
    for n, ax in enumerate(fig.axes):
        name = ax.get_title() or f"panel {n}"
        for axis in (ax.xaxis, ax.yaxis):
            offset = axis.get_offset_text()
            if offset.get_visible() and offset.get_text().strip():
                problems.append(f"{name}: the {axis.axis_name} ticks carry a multiplier "
                                f"'{offset.get_text()}'")
        for which, group in (("x", ax.get_shared_x_axes()), ("y", ax.get_shared_y_axes())):
            for other in group.get_siblings(ax):
                limits = [a.get_xlim() if which == "x" else a.get_ylim() for a in (ax, other)]
                scales = [a.get_xscale() if which == "x" else a.get_yscale() for a in (ax, other)]
                if limits[0] != limits[1] or scales[0] != scales[1]:
                    problems.append(f"{name}: shares {which} with another panel but shows "
                                    f"{scales[0]} {limits[0]} against {scales[1]} {limits[1]}")
    if problems:
        raise FigureLayoutError("; ".join(sorted(set(problems))))


def _has_data(ax):
    for line in ax.lines:
        if line.get_label().startswith("_event") or line.get_label().startswith("_guide"):
            continue  # markers and reference lines are not data
        ys = [y for y in line.get_ydata() if y == y]
        xs = [x for x in line.get_xdata() if x == x]
        if len(xs) > 1 and len(ys) > 1:
            return True
    if any(p.get_height() != 0 for p in ax.patches if hasattr(p, "get_height")):
        return True
    return any(len(c.get_paths()) > 0 for c in ax.collections)


def check_not_empty(fig):
    """Raises when a visible panel shows no data (an all-zero bar chart is empty)."""
    empty = [ax.get_title() or f"panel {n}" for n, ax in enumerate(fig.axes)
             if ax.get_visible() and ax.get_label() != "<colorbar>" and not _has_data(ax)]
    if empty:
        raise FigureLayoutError(f"empty panels drawn: {', '.join(empty)}")


def check_figure(fig):
    """All the checks, on one drawing of the figure."""
    check_not_empty(fig)
    fig.canvas.draw()
    check_scales(fig, drawn=True)
    check_text_layout(fig, drawn=True)
