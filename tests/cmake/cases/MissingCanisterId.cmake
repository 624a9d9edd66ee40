juno_add_module(backend WASM sample.wasm)
