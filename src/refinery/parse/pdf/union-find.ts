/** Disjoint sets over 0…n-1, for grouping crossing rulings and merged table cells. */
export interface UnionFind {
  readonly find: (i: number) => number;
  readonly join: (a: number, b: number) => void;
}

export function unionFind(n: number): UnionFind {
  const parent = Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    // Path compression keeps later finds flat.
    for (let k = i; parent[k] !== root; ) {
      const next = parent[k]!;
      parent[k] = root;
      k = next;
    }
    return root;
  };
  return {
    find,
    join: (a, b) => {
      parent[find(a)] = find(b);
    },
  };
}
