/** The discovery document served next to the apps (docs/api.md "Discovery"). */
export interface ConsoleConfig {
  readonly region: string;
  readonly controlPlaneApiUrl: string;
  readonly operatorUserPoolId: string;
  readonly operatorClientId: string;
  readonly cognitoEndpoint?: string;
}

let pending: Promise<ConsoleConfig> | undefined;

export function loadConfig(): Promise<ConsoleConfig> {
  pending ??= fetch('/config.json', { cache: 'no-store' }).then(async (response) => {
    if (!response.ok) throw new Error(`Could not load the console configuration (HTTP ${response.status}).`);
    return (await response.json()) as ConsoleConfig;
  });
  pending.catch(() => {
    pending = undefined;
  });
  return pending;
}

/** Joins a base URL (with or without a trailing '/') and a path starting with '/'. */
export const joinUrl = (base: string, path: string) => `${base.replace(/\/$/, '')}${path}`;
