import type { Request } from '@esphil/protocol';
import { auth, isAuthorized } from './ops-auth';
import { configGet, configSet } from './ops-config';
import { ledSet, ledToggle } from './ops-led';
import { pwmConfig, pwmSet } from './ops-pwm';
import { sensorSubscribe, sensorUnsubscribe } from './ops-sensor';
import { info, logLevel, ping, reboot, stateGet } from './ops-system';
import { fail, requestId } from './respond';
import { only } from './result';
import type { MachineState, StepContext, StepResult } from './types';

/**
 * One request in, the new state, the response to the sender, events for every client and effects for the
 * hardware out. Pure: the input state is never modified; an unchanged state is returned as the same object.
 * Never throws: anything unexpected answers `internal`.
 */
export function step(state: MachineState, request: Request, ctx: StepContext): StepResult {
  try {
    if (
      typeof request !== 'object' ||
      request === null ||
      typeof request.op !== 'string' ||
      requestId(request) === null
    ) {
      return only(
        state,
        fail(request, 'bad_request', 'A request is an object with an id (integer >= 0) and an op'),
      );
    }
    if (request.op !== 'auth' && !isAuthorized(state, ctx)) {
      return only(state, fail(request, 'unauthorized', 'Send {"op":"auth","token":...} first'));
    }
    switch (request.op) {
      case 'ping':
        return ping(state, request, ctx);
      case 'info':
        return info(state, request, ctx);
      case 'state.get':
        return stateGet(state, request);
      case 'led.set':
        return ledSet(state, request, ctx);
      case 'led.toggle':
        return ledToggle(state, request, ctx);
      case 'pwm.set':
        return pwmSet(state, request, ctx);
      case 'pwm.config':
        return pwmConfig(state, request, ctx);
      case 'sensor.subscribe':
        return sensorSubscribe(state, request, ctx);
      case 'sensor.unsubscribe':
        return sensorUnsubscribe(state, request, ctx);
      case 'reboot':
        return reboot(state, request);
      case 'log.level':
        return logLevel(state, request);
      case 'auth':
        return auth(state, request, ctx);
      case 'config.set':
        return configSet(state, request, ctx);
      case 'config.get':
        return configGet(state, request, ctx);
      default: {
        const op: string = (request as { op: string }).op;
        return only(state, fail(request, 'unknown_op', `Unknown op '${op.slice(0, 32)}'`));
      }
    }
  } catch (err) {
    return only(state, fail(request, 'internal', err instanceof Error ? err.message : String(err)));
  }
}
