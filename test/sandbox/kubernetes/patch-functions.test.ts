import { describe, expect, it } from 'vitest';
import type { Json } from '../../../src/sandbox/kubernetes/json.ts';
import { applyJsonPatch } from '../../../src/sandbox/kubernetes/json-patch.ts';
import { applyMergePatch } from '../../../src/sandbox/kubernetes/merge-patch.ts';
import { applyStrategicMergePatch } from '../../../src/sandbox/kubernetes/strategic-merge-patch.ts';

describe('sandbox/kubernetes/merge-patch', () => {
  // RFC 7386 Appendix A.
  it.each<[Json, Json, Json]>([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [
      ['a', 'b'],
      ['c', 'd'],
      ['c', 'd'],
    ],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('%j + %j = %j', (target, patch, result) => {
    expect(applyMergePatch(target, patch)).toEqual(result);
  });
});

describe('sandbox/kubernetes/json-patch', () => {
  it.each<[string, Json, Json, Json]>([
    [
      'add to object',
      { foo: 'bar' },
      [{ op: 'add', path: '/baz', value: 'qux' }],
      { foo: 'bar', baz: 'qux' },
    ],
    [
      'insert into array',
      { foo: ['bar', 'baz'] },
      [{ op: 'add', path: '/foo/1', value: 'qux' }],
      { foo: ['bar', 'qux', 'baz'] },
    ],
    ['remove', { baz: 'qux', foo: 'bar' }, [{ op: 'remove', path: '/baz' }], { foo: 'bar' }],
    [
      'replace',
      { baz: 'qux', foo: 'bar' },
      [{ op: 'replace', path: '/baz', value: 'boo' }],
      { baz: 'boo', foo: 'bar' },
    ],
    [
      'move',
      { foo: { bar: 'baz', waldo: 'fred' }, qux: { corge: 'grault' } },
      [{ op: 'move', from: '/foo/waldo', path: '/qux/thud' }],
      { foo: { bar: 'baz' }, qux: { corge: 'grault', thud: 'fred' } },
    ],
    [
      'move in array',
      { foo: ['all', 'grass', 'cows', 'eat'] },
      [{ op: 'move', from: '/foo/1', path: '/foo/3' }],
      { foo: ['all', 'cows', 'eat', 'grass'] },
    ],
    [
      'copy',
      { a: { b: 1 } },
      [{ op: 'copy', from: '/a', path: '/c' }],
      { a: { b: 1 }, c: { b: 1 } },
    ],
    [
      'escaped pointer',
      { 'a/b': 1, 'm~n': 2 },
      [
        { op: 'replace', path: '/a~1b', value: 3 },
        { op: 'remove', path: '/m~0n' },
      ],
      { 'a/b': 3 },
    ],
    ['append', { foo: [1] }, [{ op: 'add', path: '/foo/-', value: [2] }], { foo: [1, [2]] }],
  ])('%s', (_name, doc, patch, result) => {
    expect(applyJsonPatch(doc, patch)).toEqual(result);
  });

  it.each<[string, Json]>([
    ['test mismatch', [{ op: 'test', path: '/baz', value: 'bar' }]],
    ['remove missing', [{ op: 'remove', path: '/nope' }]],
    ['replace missing', [{ op: 'replace', path: '/nope', value: 1 }]],
    ['index out of range', [{ op: 'add', path: '/list/5', value: 1 }]],
    ['unknown op', [{ op: 'frobnicate', path: '/baz' }]],
  ])('fails as a whole: %s', (_name, patch) => {
    const doc = { baz: 'qux', list: [1] };
    expect(() => applyJsonPatch(doc, patch)).toThrow();
    expect(doc).toEqual({ baz: 'qux', list: [1] });
  });
});

describe('sandbox/kubernetes/strategic-merge-patch', () => {
  const pod: Json = {
    containers: [
      {
        name: 'app',
        image: 'a:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
      { name: 'sidecar', image: 's:1' },
    ],
    finalizers: ['x'],
    args: ['--one'],
  };

  it('merges keyed lists by their merge key, replaces atomic lists, merges finalizers', () => {
    const result = applyStrategicMergePatch(pod, {
      containers: [
        {
          name: 'app',
          env: [
            { name: 'B', value: '3' },
            { name: 'C', value: '4' },
          ],
        },
        { name: 'new', image: 'n:1' },
      ],
      finalizers: ['y'],
      args: ['--two'],
    });
    expect(result).toEqual({
      containers: [
        {
          name: 'app',
          image: 'a:1',
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '3' },
            { name: 'C', value: '4' },
          ],
        },
        { name: 'sidecar', image: 's:1' },
        { name: 'new', image: 'n:1' },
      ],
      finalizers: ['x', 'y'],
      args: ['--two'],
    });
  });

  it('honours $patch: delete on items and maps, $patch: replace, null deletion, $setElementOrder', () => {
    const result = applyStrategicMergePatch(pod, {
      containers: [
        { name: 'sidecar', $patch: 'delete' },
        {
          name: 'app',
          env: [{ name: 'A', $patch: 'delete' }],
          resources: { $patch: 'replace', limits: { cpu: '1' } },
        },
      ],
      '$setElementOrder/containers': [{ name: 'app' }],
      args: null,
    });
    expect(result).toEqual({
      containers: [
        {
          name: 'app',
          image: 'a:1',
          env: [{ name: 'B', value: '2' }],
          resources: { limits: { cpu: '1' } },
        },
      ],
      finalizers: ['x'],
    });
  });
});
