/** @vitest-environment jsdom */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceTable } from '../src/shared/ResourceTable';
import type { Loaded } from '../src/shared/use-load';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let container: HTMLDivElement;
let root: Root;

beforeEach(() => {
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
});
afterEach(() => {
  act(() => root.unmount());
  container.remove();
});

interface Row {
  readonly id: string;
  readonly name: string;
}

const loaded = (state: Partial<Loaded<readonly Row[]>>): Loaded<readonly Row[]> => ({
  loading: false,
  reload: () => undefined,
  ...state,
});

function show(state: Partial<Loaded<readonly Row[]>>) {
  act(() =>
    root.render(
      <ResourceTable<Row>
        title="Widgets"
        noun="widgets"
        loaded={loaded(state)}
        trackBy="id"
        sort={(a, b) => a.name.localeCompare(b.name)}
        searchText={(row) => [row.name]}
        empty="No widgets yet."
        columns={[{ id: 'name', header: 'Name', cell: (row) => row.name }]}
      />,
    ),
  );
}

describe('resource table', () => {
  it('says it is loading, then shows the rows sorted with their count', () => {
    show({ loading: true });
    expect(container.textContent).toContain('Loading widgets');

    show({
      data: [
        { id: '2', name: 'beta' },
        { id: '1', name: 'alpha' },
      ],
    });

    expect(container.textContent).toContain('(2)');
    const cells = [...container.querySelectorAll('tbody td')].map((td) => td.textContent);
    expect(cells).toEqual(['alpha', 'beta']);
  });

  it('says why nothing could be loaded, as an alert, and what an empty list means', () => {
    show({ error: 'Too many requests right now.' });
    expect(container.querySelector('[role="alert"]')?.textContent).toBe(
      'Could not load the widgets: Too many requests right now.',
    );

    show({ data: [] });
    expect(container.textContent).toContain('No widgets yet.');
  });

  it('labels its search field', () => {
    show({ data: [] });
    expect(container.querySelector('input[aria-label="Search widgets"]')).not.toBeNull();
  });
});
