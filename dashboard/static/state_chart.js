// Draws one state machine graph (from dashboard/state_graph.ts) as SVG: a box per state in
// layered columns, arrows for transitions, and a live count in each box.

const SVG = "http://www.w3.org/2000/svg";
const BOX_W = 150;
const BOX_H = 54;
const COL_GAP = 110;
const ROW_GAP = 34;
const PAD = 28;
const LABEL_MAX = 30;

function svg(tag, attributes = {}, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  if (text !== undefined) node.textContent = text;
  return node;
}

function shorten(text) {
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

/** Path and label anchor of an arrow between two boxes. */
function route(from, to) {
  if (from === to) {
    // A transition back into the same state: a small loop over the box's top right corner.
    const x = from.x + BOX_W - 24;
    const y = from.y;
    return {
      d: `M ${x} ${y} C ${x - 6} ${y - 34}, ${x + 40} ${y - 34}, ${x + 24} ${y + 6}`,
      lx: x + 12,
      ly: y - 28,
    };
  }
  if (to.layer > from.layer) {
    // Forward: right edge to left edge.
    const x1 = from.x + BOX_W;
    const y1 = from.y + BOX_H / 2;
    const x2 = to.x;
    const y2 = to.y + BOX_H / 2;
    const bend = (x2 - x1) / 2;
    return {
      d: `M ${x1} ${y1} C ${x1 + bend} ${y1}, ${x2 - bend} ${y2}, ${x2} ${y2}`,
      lx: (x1 + x2) / 2,
      ly: (y1 + y2) / 2 - 4,
    };
  }
  if (to.layer === from.layer && Math.abs(to.row - from.row) === 1) {
    // Next box in the same column: a straight arrow, down on the left, up on the right.
    const down = to.row > from.row;
    const x = from.x + BOX_W * (down ? 0.3 : 0.7);
    const y1 = down ? from.y + BOX_H : from.y;
    const y2 = down ? to.y : to.y + BOX_H;
    return {
      d: `M ${x} ${y1} L ${x} ${y2}`,
      lx: x + (down ? -6 : 6),
      ly: (y1 + y2) / 2 + 3,
      anchor: down ? "end" : "start",
    };
  }
  if (to.layer === from.layer) {
    // Further down or up the same column: bulge out to the right.
    const x = from.x + BOX_W;
    const y1 = from.y + BOX_H * 0.7;
    const y2 = to.y + BOX_H * 0.3;
    const bulge = x + 26 + Math.abs(to.row - from.row) * 10;
    return {
      d: `M ${x} ${y1} C ${bulge} ${y1}, ${bulge} ${y2}, ${x} ${y2}`,
      lx: bulge - 6,
      ly: (y1 + y2) / 2,
      anchor: "start",
    };
  }
  // Backwards: leave from the bottom, loop under, enter from the bottom.
  const x1 = from.x + BOX_W / 2;
  const y1 = from.y + BOX_H;
  const x2 = to.x + BOX_W / 2 + 10;
  const y2 = to.y + BOX_H;
  const dip = Math.max(y1, y2) + 30 + Math.abs(x1 - x2) / 8;
  return {
    d: `M ${x1} ${y1} C ${x1} ${dip}, ${x2} ${dip}, ${x2} ${y2}`,
    lx: (x1 + x2) / 2,
    ly: dip - 8,
  };
}

/**
 * Draw `graph` into `container`; returns `update(counts)` that writes the live counts (state
 * id → actors) into the boxes and shades each box by its share of the machine's actors.
 */
export function drawStateChart(container, graph) {
  const rows = Math.max(1, ...graph.states.map((s) => s.row + 1));
  const width = PAD * 2 + graph.layers * BOX_W + Math.max(0, graph.layers - 1) * COL_GAP + 40;
  const height = PAD * 2 + rows * BOX_H + (rows - 1) * ROW_GAP + 40;
  const root = svg("svg", {
    viewBox: `0 0 ${width} ${height}`,
    width,
    height,
    role: "img",
    "aria-label": `state chart of ${graph.machine}`,
  });
  const markerId = `arrow-${graph.machine.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const defs = svg("defs");
  const marker = svg("marker", {
    id: markerId,
    viewBox: "0 0 10 10",
    refX: 9,
    refY: 5,
    markerWidth: 7,
    markerHeight: 7,
    orient: "auto-start-reverse",
  });
  marker.append(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrowhead" }));
  defs.append(marker);
  root.append(defs);

  const position = new Map();
  for (const state of graph.states) {
    position.set(state.id, {
      x: PAD + state.layer * (BOX_W + COL_GAP),
      y: PAD + state.row * (BOX_H + ROW_GAP),
      layer: state.layer,
      row: state.row,
    });
  }

  const edges = svg("g");
  const labels = svg("g");
  for (const t of graph.transitions) {
    const from = position.get(t.source);
    const to = position.get(t.target);
    if (from === undefined || to === undefined) continue;
    const { d, lx, ly, anchor = "middle" } = route(from, to);
    const path = svg("path", {
      d,
      class: t.initial ? "edge initial" : "edge",
      "marker-end": `url(#${markerId})`,
    });
    const events = t.events.join(", ");
    path.append(svg("title", {}, `${t.source} → ${t.target}${events ? `: ${events}` : ""}`));
    edges.append(path);
    if (events) {
      labels.append(
        svg(
          "text",
          { x: lx, y: ly, "text-anchor": anchor, class: "edge-label" },
          shorten(events),
        ),
      );
    }
  }
  root.append(edges);

  const boxes = new Map();
  for (const state of graph.states) {
    const { x, y } = position.get(state.id);
    const group = svg("g", { "data-state": state.id });
    const kind = [state.kind, state.id === graph.initial ? "initial" : ""].join(" ").trim();
    const rect = svg("rect", { x, y, width: BOX_W, height: BOX_H, rx: 8, class: `box ${kind}` });
    rect.append(svg("title", {}, `${state.id} (${state.kind})`));
    group.append(rect);
    group.append(svg("text", { x: x + 10, y: y + 18, class: "name" }, shorten(state.key)));
    if (state.parent !== undefined) {
      group.append(
        svg("text", { x: x + 10, y: y + BOX_H - 8, class: "parent" }, `in ${state.parent}`),
      );
    }
    const count = svg("text", {
      x: x + BOX_W - 10,
      y: y + BOX_H - 12,
      "text-anchor": "end",
      class: "count",
    }, "0");
    group.append(count);
    root.append(group);
    boxes.set(state.id, { rect, count });
  }
  root.append(labels); // over the boxes, so no label hides under one
  container.append(root);

  return function update(counts) {
    // Shade by share of the top-level states only (compound states repeat their children).
    let total = 0;
    for (const state of graph.states) {
      if (state.parent === undefined) total += counts[state.id] ?? 0;
    }
    for (const [id, { rect, count }] of boxes) {
      const n = counts[id] ?? 0;
      count.textContent = String(n);
      const share = total > 0 ? n / total : 0;
      const hot = share > 0.5;
      count.setAttribute("class", hot ? "count hot" : "count");
      rect.style.fill = n > 0
        ? `color-mix(in srgb, var(--state-hot) ${Math.round(15 + share * 85)}%, var(--state))`
        : "";
    }
  };
}
