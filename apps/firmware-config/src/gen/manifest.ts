/**
 * The capabilities manifest: what clients and the HIL runner can expect from a device flashed with this config
 * (hello.caps as deriveCapabilities computes it, the board, the LEDC allocation, the pin map). The auth token
 * stays out: the manifest is meant to be shared.
 */

import type { ArduinoCore, BoardId, LedcAssignment, ResolvedConfig } from '@esphil/device-model';
import { deriveCapabilities, getBoard } from '@esphil/device-model';
import type { Capabilities } from '@esphil/protocol';
import { assignmentsOf, type PinRole } from './roles';

export const MANIFEST_FILE_NAME = 'capabilities.json';
export const MANIFEST_VERSION = 1;

export interface CapabilitiesManifest {
  manifest: typeof MANIFEST_VERSION;
  generator: 'firmware-config';
  board: { id: BoardId; name: string; chip: string; module: string };
  core: ArduinoCore;
  device: { name: string; wifi: boolean; logLevel: string };
  capabilities: Capabilities;
  ledc: LedcAssignment[];
  pins: { gpio: number; role: PinRole; name: string }[];
  sensors: { name: string; pin: number; unit: string; scale: number; offset: number; maxHz: number }[];
  websocket: {
    port: number;
    path: string;
    protocol: string;
    maxClients: number;
    heartbeat: { intervalMs: number; timeoutMs: number; failures: number } | false;
    auth: boolean;
    legacyText: boolean;
  };
}

export function buildManifest(config: ResolvedConfig, ledc: readonly LedcAssignment[]): CapabilitiesManifest {
  const board = getBoard(config.board);
  const ws = config.websocket;
  return {
    manifest: MANIFEST_VERSION,
    generator: 'firmware-config',
    board: {
      id: config.board,
      name: board?.name ?? config.board,
      chip: board?.chip ?? 'unknown',
      module: board?.module ?? 'unknown',
    },
    core: config.core,
    device: { name: config.name, wifi: config.wifi, logLevel: config.logLevel },
    capabilities: deriveCapabilities(config),
    ledc: ledc.map((a) => ({ ...a })),
    pins: assignmentsOf(config)
      .map(({ gpio, role, name }) => ({ gpio, role, name }))
      .sort((a, b) => a.gpio - b.gpio),
    sensors: config.sensors.map((s) => ({
      name: s.name,
      pin: s.pin,
      unit: s.unit,
      scale: s.scale,
      offset: s.offset,
      maxHz: s.maxHz,
    })),
    websocket: {
      port: ws.port,
      path: ws.path,
      protocol: ws.protocol,
      maxClients: ws.maxClients,
      heartbeat: ws.heartbeat,
      auth: ws.authToken !== undefined,
      legacyText: ws.legacyText,
    },
  };
}

export function manifestJson(manifest: CapabilitiesManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
