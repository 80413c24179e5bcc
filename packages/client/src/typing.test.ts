// Compile-time contract of request(): checked by `tsc` (typecheck), asserted at runtime only trivially.
import { describe, expectTypeOf, it } from 'vitest';
import type { DeviceClient } from './client';

describe('request typing', () => {
  it('params and results are typed by op', () => {
    const typed = (c: DeviceClient) => {
      expectTypeOf(c.request('led.set', { led: 'status', on: true })).resolves.toEqualTypeOf<{
        led: string;
        on: boolean;
      }>();
      expectTypeOf(c.reboot()).resolves.toEqualTypeOf<{ inMs: number }>();
      void c.request('led.set', { led: 'status', on: true });
      void c.request('info');
      void c.request('ping', { ts: 1 }, { timeoutMs: 10 });
      // @ts-expect-error led.set needs { led, on }
      void c.request('led.set');
      // @ts-expect-error wrong parameter type
      void c.request('pwm.config', { ch: 'fan', freq: '1k', bits: 8 });
      // @ts-expect-error no such op
      void c.request('led.blink', {});
      // @ts-expect-error pwmSet takes { duty } or { raw }
      void c.pwmSet('fan', { percent: 50 });
    };
    expectTypeOf(typed).toBeFunction();
  });
});
