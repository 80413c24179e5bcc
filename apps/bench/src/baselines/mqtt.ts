/**
 * What IoT users pick instead: request/response over MQTT through a broker. An aedes broker on loopback, a
 * "device" mqtt client that runs the sim's device logic on each command and publishes the response, and a
 * controller mqtt client. QoS 0 on both topics (the lowest-latency setting, as the esphil path has no acks).
 */

import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:net';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { type DeviceLogic, startDeviceLogic } from '../device-logic';

const CMD = 'esphil/bench/cmd';
const RES = 'esphil/bench/res';

export interface MqttRig {
  /** Publishes the request and resolves when the response with the same id comes back. */
  request(frame: string, id: number): Promise<void>;
  close(): Promise<void>;
}

export async function startMqttRig(): Promise<MqttRig> {
  const broker = await Aedes.createBroker();
  const server: Server = createServer(broker.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `mqtt://127.0.0.1:${port}`;
  const logic: DeviceLogic = await startDeviceLogic();

  const device: MqttClient = await mqtt.connectAsync(url, { clientId: 'bench-device', reconnectPeriod: 0 });
  await device.subscribeAsync(CMD, { qos: 0 });
  device.on('message', (_topic, payload) => {
    void logic.handle(payload.toString('utf8')).then((reply) => {
      if (reply !== null) device.publish(RES, reply, { qos: 0 });
    });
  });

  const controller: MqttClient = await mqtt.connectAsync(url, {
    clientId: 'bench-controller',
    reconnectPeriod: 0,
  });
  await controller.subscribeAsync(RES, { qos: 0 });
  const waiting = new Map<number, () => void>();
  controller.on('message', (_topic, payload) => {
    // Correlate like a real client would: parse and look the id up.
    const msg = JSON.parse(payload.toString('utf8')) as { id?: unknown };
    if (typeof msg.id !== 'number') return;
    const done = waiting.get(msg.id);
    if (done) {
      waiting.delete(msg.id);
      done();
    }
  });

  return {
    request(frame, id) {
      return new Promise<void>((resolve) => {
        waiting.set(id, resolve);
        controller.publish(CMD, frame, { qos: 0 });
      });
    },
    async close() {
      await controller.endAsync(true);
      await device.endAsync(true);
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await logic.close();
    },
  };
}
