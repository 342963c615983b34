/**
 * The execution graph at 1280 × 800 is legible without zooming (issue #14 §5): every state name
 * and Choice label renders at 12 px or more (computed font size × the viewport's scale), the
 * failed state opens centred in the box and marked failed, and the zoom, fit and pan controls
 * change the view.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ONBOARDING_STATES } from '../../contracts/onboarding-states';
import { expectNoConsoleErrors, openPage, screenshot } from '../support/browser/browser';
import { failedOnboarding, operatorBrowserPerFile, signInAsOperator } from '../support/browser/operator';

const READABLE_PX = 12;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

interface Text {
  readonly text: string;
  /** On an edge label: the execution went along that edge. */
  readonly taken: boolean;
  /** Computed font size × the viewport's scale: the size the text is drawn at. */
  readonly renderedPx: number;
  readonly box: Box;
}

interface GraphView {
  readonly scale: number;
  readonly translate: { readonly x: number; readonly y: number };
  readonly pane: Box;
  readonly nodes: readonly { readonly id: string; readonly status?: string; readonly box: Box; readonly name: Text }[];
  readonly edgeLabels: readonly Text[];
}

/**
 * What the graph shows right now, measured in the page. A script, not a function: the test
 * project compiles without the DOM library.
 */
const GRAPH_VIEW = `(() => {
  const box = (element) => {
    const { x, y, width, height } = element.getBoundingClientRect();
    return { x, y, width, height };
  };
  const matrix = new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')).transform);
  const text = (element) => ({
    text: element.textContent ?? '',
    taken: element.classList.contains('tf-edge-taken'),
    renderedPx: Number.parseFloat(getComputedStyle(element).fontSize) * matrix.a,
    box: box(element),
  });
  return {
    scale: matrix.a,
    translate: { x: matrix.e, y: matrix.f },
    pane: box(document.querySelector('.react-flow')),
    nodes: [...document.querySelectorAll('.react-flow__node')].map((node) => ({
      id: node.getAttribute('data-id') ?? '',
      status: node.querySelector('[data-status]')?.dataset.status,
      box: box(node),
      name: text(node.querySelector('.tf-state-name')),
    })),
    edgeLabels: [...document.querySelectorAll('.react-flow__edgelabel-renderer .tf-edge-label')].map(text),
  };
})()`;

const graphView = (page: Page): Promise<GraphView> => page.evaluate<GraphView>(GRAPH_VIEW);

const inside = (inner: Box, outer: Box) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;

const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

const browser = operatorBrowserPerFile();

describe('execution graph', () => {
  it('opens a failed onboarding at a readable size, centred on the failed state, with zoom, fit and pan', async () => {
    const failedStep = ONBOARDING_STATES.createApiKey;
    const registration = await failedOnboarding(failedStep);
    const watched = await openPage(browser(), { width: 1280, height: 800 });
    const { page } = watched;
    await signInAsOperator(page, `/executions/${encodeURIComponent(registration.executionId)}`);
    const failedNode = page.locator(`.react-flow__node[data-id="${failedStep}"]`);
    await failedNode.waitFor();
    // The view is set once the layout is measured: wait until it shows the failed state.
    await expect
      .poll(async () => {
        const view = await graphView(page);
        const node = view.nodes.find((n) => n.id === failedStep);
        return node !== undefined && inside(node.box, view.pane);
      })
      .toBe(true);
    const opened = await graphView(page);

    // Every state of the workflow is drawn, every name at a readable size.
    expect(opened.nodes.map((n) => n.id)).toEqual(expect.arrayContaining(Object.values(ONBOARDING_STATES)));
    for (const { id, name } of opened.nodes) {
      expect(name.renderedPx, `${id} font`).toBeGreaterThanOrEqual(READABLE_PX);
      expect(name.box.height, `${id} line height`).toBeGreaterThanOrEqual(READABLE_PX);
      expect(name.text).toBe(id.startsWith('__') ? name.text : id);
    }

    // The failed state is marked failed in words, centred vertically in the box; the others read as theirs.
    const failed = opened.nodes.find((n) => n.id === failedStep);
    expect(failed?.status).toBe('failed');
    await expect(failedNode.getAttribute('aria-label')).resolves.toMatch(/Failed/);
    await failedNode.getByText('Failed', { exact: true }).waitFor();
    const centreY = (failed?.box.y ?? 0) + (failed?.box.height ?? 0) / 2;
    expect(Math.abs(centreY - (opened.pane.y + opened.pane.height / 2))).toBeLessThan(opened.pane.height / 10);
    expect(opened.nodes.find((n) => n.id === ONBOARDING_STATES.storeTenant)?.status).toBe('succeeded');
    expect(opened.nodes.find((n) => n.id === ONBOARDING_STATES.deployTenantStack)?.status).toBe('not-run');
    await page
      .locator(`.react-flow__node[data-id="${ONBOARDING_STATES.deployTenantStack}"]`)
      .getByText('Not run')
      .waitFor();

    // The three Choices (NeedsApproval, RouteByTier, NeedsTenantStack) label both branches and the
    // approval's Catch its errors, readably, clear of every node, and the branches taken are marked.
    const texts = opened.edgeLabels.map((l) => l.text);
    expect(texts.filter((text) => !text.startsWith('catch')).sort()).toEqual([
      'deploymentModel = silo',
      'deploymentModel = silo',
      'otherwise',
      'otherwise',
      'otherwise',
      'tier = PLATINUM',
    ]);
    expect(texts.filter((text) => text.startsWith('catch'))).toEqual([expect.stringContaining('ApprovalRejected')]);
    // A pool tenant's onboarding went the otherwise way at all three.
    expect(opened.edgeLabels.filter((l) => l.taken).map((l) => l.text)).toEqual([
      'otherwise',
      'otherwise',
      'otherwise',
    ]);
    for (const label of opened.edgeLabels) {
      expect(label.renderedPx, `"${label.text}" font`).toBeGreaterThanOrEqual(READABLE_PX);
      expect(label.box.height, `"${label.text}" height`).toBeGreaterThanOrEqual(READABLE_PX);
      for (const node of opened.nodes)
        expect(overlaps(label.box, node.box), `"${label.text}" over ${node.id}`).toBe(false);
    }

    await page.locator('.tf-graph').evaluate((graph) => graph.scrollIntoView({ block: 'end' }));
    await screenshot(page, 'console-execution-failed');

    // Zoom in and out, fit (the whole graph, smaller), and back to the failed state.
    const controls = page.getByRole('button', { name: 'Zoom In' });
    await controls.click();
    await expect.poll(async () => (await graphView(page)).scale).toBeGreaterThan(opened.scale);
    const zoomedIn = (await graphView(page)).scale;
    await page.getByRole('button', { name: 'Zoom Out' }).click();
    await expect.poll(async () => (await graphView(page)).scale).toBeLessThan(zoomedIn);
    await page.getByRole('button', { name: 'Fit View' }).click();
    await expect.poll(async () => (await graphView(page)).scale).toBeLessThan(opened.scale);
    await expect
      .poll(async () => {
        const view = await graphView(page);
        return view.nodes.every((n) => inside(n.box, view.pane));
      })
      .toBe(true);
    await page.getByRole('button', { name: `Show ${failedStep}` }).click();
    await expect.poll(async () => (await graphView(page)).scale).toBeCloseTo(opened.scale, 3);

    // Drag an empty part of the box: the graph pans with the pointer.
    const before = await graphView(page);
    const from = { x: before.pane.x + 40, y: before.pane.y + before.pane.height / 2 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 10, from.y - 60, { steps: 4 });
    await page.mouse.move(from.x + 20, from.y - 120, { steps: 4 });
    await page.mouse.up();
    const panned = await graphView(page);
    expect(panned.translate.y).toBeCloseTo(before.translate.y - 120, -1);
    expect(panned.scale).toBe(before.scale);

    // By keyboard: Enter on the focused failed state selects it, and the history shows its events only.
    await failedNode.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => failedNode.getAttribute('class')).toMatch(/\bselected\b/);
    await page
      .getByRole('button', { name: /Show the events of one state/ })
      .getByText(failedStep)
      .waitFor();

    expectNoConsoleErrors(watched);
    await watched.context.close();
  });
});
