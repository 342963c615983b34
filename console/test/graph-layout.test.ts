import { describe, expect, it } from 'vitest';
import { aslToGraph, END, START } from '../src/operator/graph/asl-graph';
import { initialViewport, layoutGraph, type Rect, type Size, splinePath } from '../src/operator/graph/layout';

/** A workflow shaped like onboarding: a Choice that skips two states, then a Choice that skips one. */
const DEFINITION = {
  StartAt: 'Validate',
  States: {
    Validate: { Type: 'Task', Resource: 'arn', Next: 'RouteByTier' },
    RouteByTier: {
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.deploymentModel', StringEquals: 'silo', Next: 'CreatePool' }],
      Default: 'CreateAdmin',
    },
    CreatePool: { Type: 'Task', Resource: 'arn', Next: 'CreateClient' },
    CreateClient: { Type: 'Task', Resource: 'arn', Next: 'CreateAdmin' },
    CreateAdmin: {
      Type: 'Task',
      Resource: 'arn',
      Next: 'NeedsStack',
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Broken' }],
    },
    NeedsStack: {
      Type: 'Choice',
      Choices: [{ Variable: '$.plan.deploymentModel', StringEquals: 'silo', Next: 'DeployAVeryLongNamedTenantStack' }],
      Default: 'Done',
    },
    DeployAVeryLongNamedTenantStack: { Type: 'Task', Resource: 'arn', Next: 'Done' },
    Broken: { Type: 'Fail' },
    Done: { Type: 'Succeed' },
  },
};

const graph = aslToGraph(DEFINITION);
/** Sizes as a browser would measure them: wider for longer names. */
const nodeSizes = new Map<string, Size>(graph.nodes.map((n) => [n.id, { width: 60 + n.label.length * 9, height: 52 }]));
const labelSizes = new Map<string, Size>(
  graph.edges.filter((e) => e.label).map((e) => [e.id, { width: 14 + (e.label?.length ?? 0) * 7, height: 20 }]),
);

const overlap = (a: Rect, b: Rect) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('graph layout', () => {
  const layout = layoutGraph(graph, nodeSizes, labelSizes);

  it('gives every node its measured size, and no two nodes overlap', () => {
    const rects = [...layout.nodes.entries()];
    for (const [id, rect] of rects) expect({ width: rect.width, height: rect.height }).toEqual(nodeSizes.get(id));
    for (const [i, [a, ra]] of rects.entries())
      for (const [b, rb] of rects.slice(i + 1)) expect(overlap(ra, rb), `${a} overlaps ${b}`).toBe(false);
  });

  it('runs top-down: every Next edge points downwards, from Start at the top to End at the bottom', () => {
    const y = (id: string) => layout.nodes.get(id)?.y ?? Number.NaN;
    for (const edge of graph.edges.filter((e) => e.kind === 'next'))
      expect(y(edge.target)).toBeGreaterThan(y(edge.source));
    expect(Math.min(...[...layout.nodes.values()].map((r) => r.y))).toBe(y(START));
    expect(Math.max(...[...layout.nodes.values()].map((r) => r.y))).toBe(y(END));
  });

  it('places every edge label where no node is, and routes every edge from its source to its target', () => {
    const labelled = graph.edges.filter((e) => e.label);
    expect(labelled.map((e) => e.label).sort()).toEqual([
      'catch: any error',
      'deploymentModel = silo',
      'deploymentModel = silo',
      'otherwise',
      'otherwise',
    ]);
    for (const edge of labelled) {
      const centre = layout.edges.get(edge.id)?.label;
      const size = labelSizes.get(edge.id) as Size;
      expect(centre, edge.id).toBeDefined();
      const rect = { x: (centre?.x ?? 0) - size.width / 2, y: (centre?.y ?? 0) - size.height / 2, ...size };
      for (const [id, node] of layout.nodes) expect(overlap(rect, node), `${edge.label} over ${id}`).toBe(false);
    }
    for (const edge of graph.edges) {
      const points = layout.edges.get(edge.id)?.points ?? [];
      const source = layout.nodes.get(edge.source) as Rect;
      const target = layout.nodes.get(edge.target) as Rect;
      expect(points.length).toBeGreaterThanOrEqual(2);
      const first = points[0] as { x: number; y: number };
      const last = points.at(-1) as { x: number; y: number };
      // dagre ends routes on the nodes' borders.
      expect(first.y).toBeGreaterThanOrEqual(source.y - 1);
      expect(first.y).toBeLessThanOrEqual(source.y + source.height + 1);
      expect(last.y).toBeGreaterThanOrEqual(target.y - 1);
      expect(last.y).toBeLessThanOrEqual(target.y + target.height + 1);
    }
  });

  it('is taller than wide and bounds all nodes', () => {
    expect(layout.height).toBeGreaterThan(layout.width);
    for (const rect of layout.nodes.values()) {
      expect(rect.x + rect.width).toBeLessThanOrEqual(layout.width);
      expect(rect.y + rect.height).toBeLessThanOrEqual(layout.height);
    }
  });
});

describe('edge paths', () => {
  it('start at the first point and end at the last, straight for two points', () => {
    expect(splinePath([])).toBe('');
    expect(
      splinePath([
        { x: 0, y: 0 },
        { x: 0, y: 50 },
      ]),
    ).toBe('M0,0L0,50');
    const path = splinePath([
      { x: 0, y: 0 },
      { x: 30, y: 40 },
      { x: 30, y: 90 },
      { x: 0, y: 120 },
    ]);
    expect(path.startsWith('M0,0L5,6.7C')).toBe(true);
    expect(path.endsWith('L0,120')).toBe(true);
    expect(path.match(/C/g)).toHaveLength(3);
  });
});

describe('the opening view', () => {
  const box = { width: 900, height: 560 };
  const options = { readableZoom: 12 / 13 };

  it('shows a graph too tall to fit readably at zoom 1, centred on the failed node', () => {
    const focus = { x: 300, y: 1200, width: 160, height: 52 };
    const view = initialViewport({ width: 700, height: 2000 }, box, focus, options);

    expect(view.zoom).toBe(1);
    expect(view.y + (focus.y + focus.height / 2) * view.zoom).toBeCloseTo(box.height / 2, 1);
    // As wide as the box allows: the graph is centred across, not the node.
    expect(view.x).toBe((box.width - 700) / 2);
  });

  it('centres the failed node across too when the graph is wider than the box', () => {
    const focus = { x: 1300, y: 1200, width: 160, height: 52 };
    const view = initialViewport({ width: 2400, height: 2000 }, box, focus, options);

    expect(view.x + (focus.x + focus.width / 2) * view.zoom).toBeCloseTo(box.width / 2, 1);
  });

  it('never zooms out below the readable zoom, even for a huge graph', () => {
    const view = initialViewport({ width: 5000, height: 9000 }, box, undefined, options);

    expect(view.zoom).toBeGreaterThanOrEqual(options.readableZoom);
    // Nothing to look at in particular: the top of the graph, below a little padding.
    expect(view.y).toBe(16);
  });

  it('fits a graph that fits at a readable zoom, without enlarging a small one', () => {
    const slightlyBig = initialViewport({ width: 600, height: 570 }, box, undefined, options);
    expect(slightlyBig.zoom).toBeLessThan(1);
    expect(slightlyBig.zoom).toBeGreaterThanOrEqual(options.readableZoom);

    const small = initialViewport({ width: 300, height: 200 }, box, undefined, options);
    expect(small).toEqual({ x: 300, y: 180, zoom: 1 });
  });

  it('does not scroll past the end of the graph to centre a node at its bottom', () => {
    const focus = { x: 300, y: 1940, width: 160, height: 52 };
    const view = initialViewport({ width: 700, height: 2000 }, box, focus, options);

    expect(view.y).toBe(box.height - 2000 - 16);
  });
});
