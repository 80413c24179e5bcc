// @serialport/bindings-interface ships types only under "types", which its "exports" map hides from
// `moduleResolution: Bundler`; import the declaration file by path so the binding is checked against
// the real interface instead of an implicit any.
export type {
  BindingInterface,
  BindingPortInterface,
  OpenOptions,
  PortInfo,
  PortStatus,
  SetOptions,
  UpdateOptions,
} from '../../node_modules/@serialport/bindings-interface/dist/index';
