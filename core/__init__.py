"""The floor every stage stands on: settings, domain errors and text helpers. Imports no stage."""
