"""The service: the Engine that api/ and bot/ share, its job queue, watcher and process tuning."""
