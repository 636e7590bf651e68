/** Evidence kind of a release decision; its subject is `releaseSubject(service, version)`. */
export const GATE_DECISION_EVIDENCE = 'gate.decision';

/** The subject every release artefact of one service version shares. */
export const releaseSubject = (service: string, version: string) => `release:${service}:${version}`;
