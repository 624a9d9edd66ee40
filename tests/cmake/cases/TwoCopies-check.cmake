juno_target_edges(edges)
juno_expect_edge(edges juno_backup_satellite Juno::helper)
