// Every seed example gives the outcome its INDEX.md row states, validated together with the
// companion objects of its procedure (the rows' "together with ..." context).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { validateInputs, type ReportEntry } from '../../../src/core/config/report.js';
import { NS, readFixture } from './helpers.js';

type Outcome = 'valid' | 'warning' | 'invalid' | 'out-of-scope';

interface Row {
  readonly fixture: string;
  readonly companions?: readonly string[];
  readonly outcome: Outcome;
  /** For warning/invalid: a field and a message fragment that must appear on the fixture's own objects. */
  readonly field?: string;
  readonly says?: string;
}

const ROWS: readonly Row[] = [
  { fixture: '001', outcome: 'valid' },
  { fixture: '002', outcome: 'valid' },
  { fixture: '003', companions: ['002'], outcome: 'valid' },
  { fixture: '004', companions: ['002', '003'], outcome: 'valid' },
  { fixture: '005', outcome: 'valid' },
  { fixture: '006', outcome: 'valid' },
  { fixture: '007', outcome: 'out-of-scope' },
  { fixture: '008', outcome: 'valid' },
  { fixture: '009', outcome: 'valid' },
  { fixture: '010', outcome: 'valid' },
  { fixture: '011', outcome: 'valid' },
  { fixture: '012', outcome: 'valid' },
  { fixture: '013', companions: ['012'], outcome: 'valid' },
  { fixture: '014', outcome: 'valid' },
  { fixture: '015', companions: ['014'], outcome: 'valid' },
  { fixture: '016', companions: ['014', '015'], outcome: 'valid' },
  { fixture: '017', outcome: 'valid' },
  {
    fixture: '018',
    companions: ['017'],
    outcome: 'invalid',
    field: 'spec.nodeSelector',
    says: 'unknown field "spec.nodeSelector"',
  },
  { fixture: '019', outcome: 'valid' },
  { fixture: '020', companions: ['019'], outcome: 'valid' },
  { fixture: '021', outcome: 'valid' },
  { fixture: '022', companions: ['021'], outcome: 'valid' },
  { fixture: '023', outcome: 'valid' },
  { fixture: '024', companions: ['023'], outcome: 'valid' },
  { fixture: '025', outcome: 'out-of-scope' },
  { fixture: '026', outcome: 'valid' },
  { fixture: '027', outcome: 'valid' },
  { fixture: '028', outcome: 'valid' },
  { fixture: '029', outcome: 'valid' },
  { fixture: '030', companions: ['029'], outcome: 'valid' },
  { fixture: '031', companions: ['027', '028', '029', '030'], outcome: 'valid' },
  { fixture: '032', companions: ['027', '028', '029', '030', '031'], outcome: 'valid' },
  { fixture: '033', outcome: 'valid' },
  { fixture: '034', outcome: 'valid' },
  {
    fixture: '035',
    companions: ['033', '034'],
    outcome: 'warning',
    field: 'spec.peers[0]',
    says: 'peer "frrviavrf" is not defined',
  },
  { fixture: '036', companions: ['033', '034', '035'], outcome: 'valid' },
  { fixture: '037', outcome: 'valid' },
  { fixture: '038', companions: ['044'], outcome: 'valid' },
  { fixture: '039', outcome: 'valid' },
  { fixture: '040', outcome: 'valid' },
  { fixture: '041', outcome: 'valid' },
  { fixture: '042', outcome: 'valid' },
  {
    fixture: '043',
    companions: ['040', '041', '042'],
    outcome: 'warning',
    field: 'spec.peers[0]',
    says: 'peer "doc-example-peer" is not defined',
  },
  { fixture: '044', outcome: 'valid' },
  { fixture: '045', companions: ['005'], outcome: 'valid' },
  { fixture: '046', companions: ['005'], outcome: 'valid' },
  { fixture: '047', companions: ['005'], outcome: 'valid' },
  {
    fixture: '048',
    companions: ['005'],
    outcome: 'warning',
    field: 'spec.loadBalancerIP',
    says: '"172.31.249.7" is not allowed in config',
  },
  { fixture: '049', outcome: 'out-of-scope' },
  { fixture: '050', outcome: 'valid' },
  { fixture: '051', outcome: 'valid' },
  {
    fixture: '052',
    companions: ['050', '051'],
    outcome: 'warning',
    field: 'spec.peers[0]',
    says: 'peer "frrviaurf" is not defined',
  },
  { fixture: '053', outcome: 'out-of-scope' },
  { fixture: '054', outcome: 'valid' },
  { fixture: '055', outcome: 'valid' },
  {
    fixture: '056',
    outcome: 'warning',
    field: 'metadata.namespace',
    says: 'read only from namespace metallb-system',
  },
  {
    fixture: '057',
    outcome: 'warning',
    field: 'metadata.namespace',
    says: 'read only from namespace metallb-system',
  },
  {
    fixture: '058',
    outcome: 'warning',
    field: 'metadata.namespace',
    says: 'read only from namespace metallb-system',
  },
  {
    fixture: '059',
    outcome: 'warning',
    field: 'metadata.namespace',
    says: 'read only from namespace metallb-system',
  },
  {
    fixture: '060',
    outcome: 'warning',
    field: 'metadata.namespace',
    says: 'read only from namespace metallb-system',
  },
  {
    fixture: '061',
    outcome: 'warning',
    field: 'metadata.namespace',
    says: 'read only from namespace metallb-system',
  },
  { fixture: '062', outcome: 'invalid', field: 'spec.nodeSelector.labelSelector', says: 'unknown field' },
  { fixture: '063', outcome: 'valid' },
  { fixture: '064', outcome: 'warning', field: 'apiVersion', says: 'AddressPool is deprecated' },
  { fixture: '065', outcome: 'out-of-scope' },
  {
    fixture: '066',
    companions: ['067'],
    outcome: 'warning',
    field: 'apiVersion',
    says: 'v1beta1 BGPPeer is deprecated',
  },
  { fixture: '067', outcome: 'valid' },
  { fixture: '068', companions: ['064'], outcome: 'valid' },
];

function run(row: Row): ReportEntry[] {
  const inputs = [...(row.companions ?? []).flatMap(readFixture), ...readFixture(row.fixture)];
  return [...validateInputs(inputs, { namespace: NS }).entries];
}

describe('seed examples (INDEX.md verdicts)', () => {
  it('covers all 68 fixtures', () => assert.equal(new Set(ROWS.map((r) => r.fixture)).size, 68));

  for (const row of ROWS) {
    it(`${row.fixture} is ${row.outcome}`, () => {
      const entries = run(row);
      const own = entries.filter((e) => e.file.includes(`/${row.fixture}-`));
      const errors = entries.filter((e) => e.severity === 'error');
      const warnings = own.filter((e) => e.severity === 'warning');
      switch (row.outcome) {
        case 'valid':
          assert.deepEqual(errors, []);
          assert.deepEqual(warnings, []);
          break;
        case 'warning':
          assert.deepEqual(errors, []);
          assert.ok(
            warnings.some((w) => w.field === row.field && w.message.includes(row.says ?? '')),
            `expected a warning on ${row.field ?? ''} saying ${row.says ?? ''}; got ${JSON.stringify(warnings)}`,
          );
          break;
        case 'invalid':
          assert.ok(
            own.some(
              (e) => e.severity === 'error' && e.field === row.field && e.message.includes(row.says ?? ''),
            ),
            `expected an error on ${row.field ?? ''}; got ${JSON.stringify(own)}`,
          );
          break;
        case 'out-of-scope':
          assert.ok(own.length > 0 && own.every((e) => e.severity === 'ignored'), JSON.stringify(own));
          break;
      }
    });
  }
});

describe('the whole folder at once (cross-example interactions)', () => {
  const all = ROWS.flatMap((r) => readFixture(r.fixture));
  const entries = validateInputs(all, { namespace: NS }).entries;
  const errorsOn = (name: string, field: string) =>
    entries.filter((e) => e.severity === 'error' && e.name === name && e.field.startsWith(field));

  it('reports the overlapping pools', () => {
    assert.match(
      errorsOn('doc-example-cidr', 'spec.addresses')[0]?.message ?? '',
      /CIDR "192\.168\.100\.0\/24" in pool "doc-example-cidr" overlaps with already defined CIDR/,
    );
    assert.ok(errorsOn('doc-example-reserved', 'spec.addresses').length >= 2);
    assert.equal(errorsOn('doc-example-bgp-adv', 'spec.addresses').length, 2);
    assert.equal(errorsOn('doc-example-bgp-community', 'spec.addresses').length, 2);
    assert.match(
      errorsOn('pool1', 'spec.addresses')[0]?.message ?? '',
      /overlaps with already defined CIDR "4\.4\.4\.0\/24"/,
    );
    assert.deepEqual(
      errorsOn('doc-example-vlan', 'spec.addresses'),
      [],
      'the first definition is not the offender',
    );
  });

  it('reports duplicate peers (same address and VRF)', () => {
    for (const name of [
      'peer1',
      'doc-example-bgp-peer',
      'bgppeer-sample1',
      'doc-example-peer-bfd',
      'doc-example-dual-stack-ipv4',
      'frrviavrf',
    ]) {
      assert.equal(errorsOn(name, 'spec.peerAddress').length, 1, name);
    }
    assert.deepEqual(errorsOn('doc-example-peer', 'spec.peerAddress'), []);
  });

  it('reports routerID mismatches between peers sharing a node', () => {
    for (const name of [
      'frvriavrf',
      'doc-example-nodesel',
      'doc-example-peer-bfd',
      'doc-example-dual-stack-ipv6',
    ]) {
      assert.match(errorsOn(name, 'spec.routerID')[0]?.message ?? '', /must share the routerID/, name);
    }
  });

  it('allows different myASN in different VRFs', () => {
    assert.deepEqual(
      entries.filter((e) => e.field === 'spec.myASN'),
      [],
    );
  });

  it('applies same-name objects in order and says when one changes another', () => {
    const replaced = entries.filter((e) => e.message.startsWith('replaces the'));
    assert.deepEqual(replaced.map((e) => `${e.kind}/${e.name}`).sort(), [
      'BGPAdvertisement/first-adv',
      'FRRConfiguration/test',
      'FRRConfiguration/test',
      'FRRConfiguration/test',
      'FRRConfiguration/test',
      'FRRConfiguration/test',
      'FRRConfiguration/test',
      'L2Advertisement/l2advertisement',
      'MetalLB/metallb',
    ]);
  });
});

describe('FRR-K8s merge with MetalLB peers', () => {
  it('054 with the frr-k8s backend (055) conflicts with a myASN 64500 peer', () => {
    const entries = validateInputs([...readFixture('054'), ...readFixture('055'), ...readFixture('026')], {
      namespace: NS,
    }).entries;
    const error = entries.find((e) => e.severity === 'error' && e.kind === 'FRRConfiguration');
    assert.equal(error?.field, 'spec.bgp.routers[0].asn');
    assert.match(error.message, /^different asns \(64512 != 64500\) specified for same vrf/);
  });

  it('the same objects without the frr-k8s backend do not conflict', () => {
    const entries = validateInputs([...readFixture('054'), ...readFixture('026')], { namespace: NS }).entries;
    assert.deepEqual(
      entries.filter((e) => e.severity === 'error'),
      [],
    );
  });
});
