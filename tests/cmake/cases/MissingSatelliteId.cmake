juno_add_module(satellite KIND satellite)
