"""The newcomer-facing core, with no Telegram in it: the assistant and what it asks (language
detection, the NLU model, the answer catalogue, the store, the scrubbing of personal details)."""
