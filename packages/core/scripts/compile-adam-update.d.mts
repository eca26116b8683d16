// Types of compile-adam-update.mjs, for the test that imports it.
export declare const watFile: URL;
export declare const generatedFile: URL;
export declare function compileAdamUpdate(): Promise<Uint8Array>;
export declare function generateAdamUpdateModule(): Promise<string>;
