import type { ConfigGetRequest, ConfigSetRequest } from '@esphil/protocol';
import { deriveCapabilities } from '../capabilities';
import { validateConfig } from '../config/validate';
import { REBOOT_DELAY_MS } from './constants';
import { fail, ok } from './respond';
import { changed, only } from './result';
import type { MachineState, StepContext, StepResult } from './types';

/**
 * Serial only: a WebSocket client could otherwise lock everyone out or brick the pin setup remotely.
 * The new config is stored and takes effect after the reboot; until then the device keeps running the old one.
 */
export function configSet(state: MachineState, req: ConfigSetRequest, ctx: StepContext): StepResult {
  if (ctx.from.kind !== 'serial') {
    return only(state, fail(req, 'unauthorized', 'config.set is accepted on the serial console only'));
  }
  const { config, diagnostics } = validateConfig(req.config);
  if (!config) {
    const first = diagnostics.find((d) => d.severity === 'error');
    const where = first?.path ? `config.${first.path}` : 'config';
    return only(
      state,
      fail(
        req,
        'bad_param',
        first ? `${where}: ${first.code}: ${first.message}. ${first.hint}` : 'Invalid config',
      ),
    );
  }
  return changed(
    state,
    ok(req, 'config.set', { caps: deriveCapabilities(config), rebootInMs: REBOOT_DELAY_MS }),
    [],
    [
      { kind: 'store-config', config: structuredClone(config) as unknown as Record<string, unknown> },
      { kind: 'reboot', afterMs: REBOOT_DELAY_MS },
    ],
  );
}

/** The running config with every default filled in; the auth token is left out for WebSocket clients. */
export function configGet(state: MachineState, req: ConfigGetRequest, ctx: StepContext): StepResult {
  const config = structuredClone(state.config);
  if (ctx.from.kind !== 'serial') delete config.websocket.authToken;
  return only(state, ok(req, 'config.get', { config: config as unknown as Record<string, unknown> }));
}
