// Types for @serialport/binding-mock 10.2, whose `exports` map hides its own .d.ts from Bundler resolution.
declare module '@serialport/binding-mock' {
  import type { BindingInterface, BindingPortInterface, OpenOptions, PortInfo } from '../binding';

  export interface CreatePortOptions {
    echo?: boolean;
    record?: boolean;
    readyData?: Buffer;
    maxReadSize?: number;
    manufacturer?: string;
    vendorId?: string;
    productId?: string;
  }
  export interface MockPortInternal {
    data: Buffer;
    echo: boolean;
    record: boolean;
    info: PortInfo;
    maxReadSize: number;
    readyData?: Buffer;
    openOpt?: OpenOptions;
  }
  export class MockPortBinding implements BindingPortInterface {
    readonly openOptions: Required<OpenOptions>;
    readonly port: MockPortInternal;
    lastWrite: null | Buffer;
    recording: Buffer;
    isOpen: boolean;
    emitData(data: Buffer | string): void;
    close(): Promise<void>;
    read(buffer: Buffer, offset: number, length: number): Promise<{ buffer: Buffer; bytesRead: number }>;
    write(buffer: Buffer): Promise<void>;
    update(options: { baudRate: number }): Promise<void>;
    set(options: import('../binding').SetOptions): Promise<void>;
    get(): Promise<import('../binding').PortStatus>;
    getBaudRate(): Promise<{ baudRate: number }>;
    flush(): Promise<void>;
    drain(): Promise<void>;
  }
  export interface MockBindingInterface extends BindingInterface {
    open(options: OpenOptions): Promise<MockPortBinding>;
    reset(): void;
    createPort(path: string, opt?: CreatePortOptions): void;
  }
  export const MockBinding: MockBindingInterface;
}
