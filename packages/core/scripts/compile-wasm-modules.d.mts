// Types of compile-wasm-modules.mjs, for the tests that import it.
export type WasmModuleName = 'adam-update' | 'transpose' | 'column-sums';
export declare const wasmModules: Record<
  WasmModuleName,
  {
    readonly watFile: URL;
    readonly generatedFile: URL;
    readonly constant: string;
    readonly test: string;
  }
>;
export declare function compileWasmModule(name: WasmModuleName): Promise<Uint8Array>;
export declare function generateWasmModuleSource(name: WasmModuleName): Promise<string>;
