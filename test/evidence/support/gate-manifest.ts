import type { GateManifest } from '../../../src/gates/gate-manifest.ts';

/**
 * A GateManifest as src/gates/build-manifest.ts writes it: a NO-GO with a failed and an
 * inconclusive check by default; `overrides` turn it into the GO or PENDING a test needs.
 */
export function gateManifest(overrides: Partial<GateManifest> = {}): GateManifest {
  return {
    release: {
      service: 'checkout',
      version: 'v1.4.2',
      env: 'prod',
      gateSet: 'standard',
      gateSetTitle: 'Standard release gate',
      gateId: 'g_3f2a9c01d4e5',
    },
    decision: 'NO-GO',
    headline: '2/4 gates passed, 1 failed: Supply chain, 1 inconclusive: Observability',
    counts: { total: 4, passed: 2, failed: 1, waived: 0, inconclusive: 1 },
    decidedAt: '2025-05-01T10:00:00.000Z',
    evaluatedAt: '2025-05-01T09:58:00.000Z',
    requestedBy: 'U0RELEASE',
    artifacts: [
      {
        container: 'app',
        image: 'ghcr.io/acme/checkout:v1.4.1',
        digest: null,
      },
    ],
    gates: [
      {
        name: 'SLOs',
        status: 'passed',
        checks: [
          {
            id: 'error-rate',
            title: 'Error rate under 1%',
            status: 'passed',
            value: '0.42%',
            reason: 'below the 1% objective over 1h',
            link: 'https://prometheus.example.com/graph?g0.expr=errors',
          },
        ],
      },
      {
        name: 'Supply chain',
        status: 'failed',
        checks: [
          {
            id: 'signed-image',
            title: 'Image is signed',
            status: 'failed',
            value: null,
            reason: 'no signature found for ghcr.io/acme/checkout:v1.4.2',
            link: null,
          },
        ],
      },
      {
        name: 'Observability',
        status: 'inconclusive',
        checks: [
          {
            id: 'dashboards',
            title: 'Dashboards exist',
            status: 'inconclusive',
            value: null,
            reason: 'Grafana timed out',
            link: null,
          },
        ],
      },
      {
        name: 'Resilience',
        status: 'passed',
        checks: [
          {
            id: 'drill-fresh',
            title: 'A pod-kill drill passed within 14 days',
            status: 'passed',
            value: '41 s',
            reason: 'recovered within the RTO',
            link: 'https://mc.example.com/evidence/ev_aaaaaaaaaaaaaaaa',
          },
        ],
      },
    ],
    waivers: [],
    signOffs: [],
    missingRoles: ['qa-lead', 'release-manager'],
    changes: [],
    rollbackPlan: {
      revision: 7,
      images: { app: 'ghcr.io/acme/checkout:v1.4.1' },
      summary:
        'revision 7 (ghcr.io/acme/checkout:v1.4.1) runs in prod now; if v1.4.2 misbehaves after its deploy, `/mc rollback checkout --env prod` returns to it',
    },
    drillEvidence: ['https://mc.example.com/evidence/ev_aaaaaaaaaaaaaaaa'],
    ...overrides,
  };
}
