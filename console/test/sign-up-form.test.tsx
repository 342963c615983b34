/** @vitest-environment jsdom */
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../src/shared/api';
import { SignUpForm } from '../src/signup/SignUpForm';

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

function input(label: string): HTMLInputElement {
  const labelEl = [...container.querySelectorAll('label')].find((l) => l.textContent?.startsWith(label));
  const id = labelEl?.getAttribute('for');
  const el = id ? (document.getElementById(id) as HTMLInputElement | null) : null;
  if (!el) throw new Error(`No input labelled ${label}`);
  return el;
}

function type(el: HTMLInputElement, value: string): void {
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  setter?.call(el, value);
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

async function submit(): Promise<void> {
  await act(async () => {
    container.querySelector('form')?.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
}

describe('sign-up form', () => {
  it('labels every field and shows the API’s rules inline instead of sending an invalid form', async () => {
    const register = vi.fn();
    act(() => root.render(<SignUpForm register={register} onAccepted={() => undefined} />));

    act(() => type(input('Tenant name'), 'x'));
    await submit();

    expect(register).not.toHaveBeenCalled();
    expect(container.textContent).toContain('Tenant name must be 3 to 40 characters.');
    expect(container.textContent).toContain('Email is required.');
    expect(container.querySelectorAll('input[type="radio"]')).toHaveLength(4);
  });

  it('posts a valid form with an idempotency key and shows a taken name (409) on the name field', async () => {
    const register = vi.fn().mockRejectedValue(new ApiError("Tenant name 'acme' is already taken", 409));
    act(() => root.render(<SignUpForm register={register} onAccepted={() => undefined} />));

    act(() => {
      type(input('Tenant name'), 'acme');
      type(input('Administrator email'), 'admin@acme.test');
    });
    await submit();

    expect(register).toHaveBeenCalledWith(
      { tenantName: 'acme', email: 'admin@acme.test', tier: 'BASIC' },
      expect.any(String),
    );
    expect(container.textContent).toContain("Tenant name 'acme' is already taken. Choose another name.");
  });
});
