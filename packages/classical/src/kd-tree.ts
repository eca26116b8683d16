import type { Matrix } from './matrix';

/** The norm a {@link KdTree} measures distances in. */
export type TreeNorm = 'max' | 'euclidean';

/** How much work a tree's queries did, for complexity checks and profiling. */
export interface KdTreeWork {
  /** Point-to-point distances computed. */
  distanceEvaluations: number;
  /** Nodes whose bounding box was tested. */
  nodesVisited: number;
}

/**
 * An exact k-d tree over the rows of a matrix, for the k-NN estimators: k nearest neighbours of a
 * data point (itself excluded, ties broken by row index), and the number of points within a radius
 * (`<` or `≤`, itself excluded).
 *
 * Each node keeps the bounding box of its points. The smallest distance from a query to a box,
 * `max_c max(lo_c − q_c, q_c − hi_c, 0)` under the max-norm (the root of the sum of the squared
 * gaps under the Euclidean norm), is a lower bound of the distance to every point inside, and the
 * largest, `max_c max(hi_c − q_c, q_c − lo_c)`, an upper bound. Both hold exactly in floating point,
 * not only in real arithmetic, because rounding is monotone: p_c ≥ lo_c implies
 * fl(p_c − q_c) ≥ fl(lo_c − q_c). Pruning therefore never changes a count or a neighbour, even for
 * points exactly at the radius; boxes entirely inside the radius are counted without visiting their
 * points. Splits are at the median of the widest coordinate, so the depth is log₂(n / leafSize)
 * and the queries of the estimators cost O(log n) expected each.
 *
 * A node whose points are all equal is never split: duplicates (discrete data) form one leaf,
 * whose rows are kept in index order, and a k-NN query takes from it only the rows it needs.
 */
export class KdTree {
  /** Work done by the queries so far; reset it freely. */
  readonly work: KdTreeWork = { distanceEvaluations: 0, nodesVisited: 0 };
  readonly size: number;
  readonly dimension: number;
  readonly norm: TreeNorm;

  /** The points in tree order (row-major), so that a leaf's points are contiguous. */
  private readonly points: Float64Array;
  /** Tree position → row index of the input. */
  private readonly order: Int32Array;
  /** Row index → tree position. */
  private readonly position: Int32Array;
  private readonly nodeStart: Int32Array;
  private readonly nodeEnd: Int32Array;
  /** Left child, or −1 for a leaf; the right child is `nodeRight`. */
  private readonly nodeLeft: Int32Array;
  private readonly nodeRight: Int32Array;
  /** 1 when every point of the (leaf) node is the same point. */
  private readonly nodeConstant: Uint8Array;
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;

  // Scratch state of the query in progress (queries are synchronous, one at a time).
  private readonly query: Float64Array;
  private selfPosition = -1;
  private heapDistance = new Float64Array(0);
  private heapIndex = new Int32Array(0);
  private heapSize = 0;
  private heapCapacity = 0;
  private needIdentity = false;

  constructor(matrix: Matrix, options: { norm?: TreeNorm; leafSize?: number } = {}) {
    const { rows, columns, data } = matrix;
    const leafSize = options.leafSize ?? 12;
    this.size = rows;
    this.dimension = columns;
    this.norm = options.norm ?? 'max';
    this.query = new Float64Array(columns);

    const order = new Int32Array(rows);
    for (let i = 0; i < rows; i++) order[i] = i;
    const starts: number[] = [];
    const ends: number[] = [];
    const lefts: number[] = [];
    const rights: number[] = [];
    const constants: number[] = [];
    const lowers: number[] = [];
    const uppers: number[] = [];

    const build = (start: number, end: number): number => {
      const node = starts.length;
      starts.push(start);
      ends.push(end);
      lefts.push(-1);
      rights.push(-1);
      constants.push(0);
      let widest = 0;
      let widestSpread = -1;
      for (let c = 0; c < columns; c++) {
        let lo = Number.POSITIVE_INFINITY;
        let hi = Number.NEGATIVE_INFINITY;
        for (let p = start; p < end; p++) {
          const v = data[(order[p] as number) * columns + c] as number;
          if (v < lo) lo = v;
          if (v > hi) hi = v;
        }
        lowers.push(lo);
        uppers.push(hi);
        if (hi - lo > widestSpread) {
          widestSpread = hi - lo;
          widest = c;
        }
      }
      if (widestSpread === 0) {
        // All points equal: one leaf, rows in index order (see kNearest).
        constants[node] = 1;
        order.subarray(start, end).sort();
        return node;
      }
      if (end - start <= leafSize) return node;
      const middle = (start + end) >>> 1;
      selectByCoordinate(order, data, columns, widest, start, end - 1, middle);
      lefts[node] = build(start, middle);
      rights[node] = build(middle, end);
      return node;
    };
    if (rows > 0) build(0, rows);

    this.order = order;
    this.position = new Int32Array(rows);
    this.points = new Float64Array(rows * columns);
    for (let p = 0; p < rows; p++) {
      const row = order[p] as number;
      this.position[row] = p;
      this.points.set(data.subarray(row * columns, (row + 1) * columns), p * columns);
    }
    this.nodeStart = Int32Array.from(starts);
    this.nodeEnd = Int32Array.from(ends);
    this.nodeLeft = Int32Array.from(lefts);
    this.nodeRight = Int32Array.from(rights);
    this.nodeConstant = Uint8Array.from(constants);
    this.lower = Float64Array.from(lowers);
    this.upper = Float64Array.from(uppers);
  }

  /**
   * The k nearest neighbours of row `row` among the other rows, nearest first; among equal
   * distances the smaller row index comes first, so the result is unique. Fills `indices` and
   * `distances` (length ≥ k) and returns the k-th distance.
   *
   * With `identity: false` only the distances are guaranteed (which of several tied rows is
   * returned is not): the search may then skip boxes at exactly the current k-th distance, which
   * matters for data with many duplicates.
   */
  kNearest(
    row: number,
    k: number,
    indices: Int32Array,
    distances: Float64Array,
    identity = true,
  ): number {
    this.prepareQuery(row);
    if (this.heapCapacity < k) {
      this.heapDistance = new Float64Array(k);
      this.heapIndex = new Int32Array(k);
      this.heapCapacity = k;
    }
    this.heapSize = 0;
    this.needIdentity = identity;
    this.searchNearest(0, k);
    // Heap sort in place: repeatedly move the largest to the end.
    const size = this.heapSize;
    for (let end = size - 1; end > 0; end--) {
      this.swapHeap(0, end);
      this.siftDown(0, end);
    }
    for (let i = 0; i < size; i++) {
      indices[i] = this.heapIndex[i] as number;
      distances[i] = this.heapDistance[i] as number;
    }
    return distances[size - 1] as number;
  }

  /**
   * The number of rows other than `row` whose distance to row `row` is `< radius`
   * (`inclusive: false`) or `≤ radius` (`inclusive: true`).
   */
  countWithin(row: number, radius: number, inclusive: boolean): number {
    this.prepareQuery(row);
    const all = this.countNode(0, radius, inclusive);
    // The query point is at distance 0 from itself and was counted if 0 passes the test.
    return inclusive || radius > 0 ? all - 1 : all;
  }

  /** The distance between rows `a` and `b` in the tree's norm (the one its queries use). */
  distanceBetween(a: number, b: number): number {
    this.prepareQuery(a);
    return this.distanceTo(this.position[b] as number);
  }

  private prepareQuery(row: number): void {
    const position = this.position[row] as number;
    this.selfPosition = position;
    const d = this.dimension;
    for (let c = 0; c < d; c++) this.query[c] = this.points[position * d + c] as number;
  }

  /** Distance from the query to the point at tree position p. */
  private distanceTo(p: number): number {
    const d = this.dimension;
    const q = this.query;
    const points = this.points;
    const base = p * d;
    this.work.distanceEvaluations++;
    if (this.norm === 'max') {
      let m = 0;
      for (let c = 0; c < d; c++) {
        const delta = Math.abs((points[base + c] as number) - (q[c] as number));
        if (delta > m) m = delta;
      }
      return m;
    }
    let s = 0;
    for (let c = 0; c < d; c++) {
      const delta = (points[base + c] as number) - (q[c] as number);
      s += delta * delta;
    }
    return Math.sqrt(s);
  }

  /** Lower bound of the distance from the query to any point of the node's box. */
  private boxLowerBound(node: number): number {
    const d = this.dimension;
    const q = this.query;
    const base = node * d;
    this.work.nodesVisited++;
    if (this.norm === 'max') {
      let m = 0;
      for (let c = 0; c < d; c++) {
        const qc = q[c] as number;
        const below = (this.lower[base + c] as number) - qc;
        const above = qc - (this.upper[base + c] as number);
        const gap = below > above ? below : above;
        if (gap > m) m = gap;
      }
      return m;
    }
    let s = 0;
    for (let c = 0; c < d; c++) {
      const qc = q[c] as number;
      const below = (this.lower[base + c] as number) - qc;
      const above = qc - (this.upper[base + c] as number);
      const gap = below > 0 ? below : above > 0 ? above : 0;
      s += gap * gap;
    }
    return Math.sqrt(s);
  }

  /** Upper bound of the distance from the query to any point of the node's box. */
  private boxUpperBound(node: number): number {
    const d = this.dimension;
    const q = this.query;
    const base = node * d;
    if (this.norm === 'max') {
      let m = 0;
      for (let c = 0; c < d; c++) {
        const qc = q[c] as number;
        const toUpper = (this.upper[base + c] as number) - qc;
        const toLower = qc - (this.lower[base + c] as number);
        const far = toUpper > toLower ? toUpper : toLower;
        if (far > m) m = far;
      }
      return m;
    }
    let s = 0;
    for (let c = 0; c < d; c++) {
      const qc = q[c] as number;
      const toUpper = (this.upper[base + c] as number) - qc;
      const toLower = qc - (this.lower[base + c] as number);
      const far = toUpper > toLower ? toUpper : toLower;
      s += far * far;
    }
    return Math.sqrt(s);
  }

  private searchNearest(node: number, k: number): void {
    const left = this.nodeLeft[node] as number;
    if (left < 0) {
      this.scanLeaf(node, k);
      return;
    }
    const right = this.nodeRight[node] as number;
    const leftBound = this.boxLowerBound(left);
    const rightBound = this.boxLowerBound(right);
    // Nearer box first: it tightens the k-th distance before the farther one is tested.
    if (leftBound <= rightBound) {
      if (this.mayImprove(leftBound, k)) this.searchNearest(left, k);
      if (this.mayImprove(rightBound, k)) this.searchNearest(right, k);
    } else {
      if (this.mayImprove(rightBound, k)) this.searchNearest(right, k);
      if (this.mayImprove(leftBound, k)) this.searchNearest(left, k);
    }
  }

  /** Whether a box at this lower bound can hold a point that enters the k-NN heap. */
  private mayImprove(bound: number, k: number): boolean {
    if (this.heapSize < k) return true;
    const worst = this.heapDistance[0] as number;
    return bound < worst || (this.needIdentity && bound === worst);
  }

  private scanLeaf(node: number, k: number): void {
    const start = this.nodeStart[node] as number;
    const end = this.nodeEnd[node] as number;
    const order = this.order;
    if (this.nodeConstant[node] === 1) {
      // Every point is at the same distance; rows are in index order, so once one fails to
      // enter the heap, all later ones fail too.
      const probe = start === this.selfPosition ? start + 1 : start;
      if (probe >= end) return;
      const distance = this.distanceTo(probe);
      for (let p = start; p < end; p++) {
        if (p === this.selfPosition) continue;
        if (!this.offer(distance, order[p] as number, k)) return;
      }
      return;
    }
    for (let p = start; p < end; p++) {
      if (p === this.selfPosition) continue;
      this.offer(this.distanceTo(p), order[p] as number, k);
    }
  }

  /** Puts (distance, index) in the heap if it is among the k best so far; says whether it did. */
  private offer(distance: number, index: number, k: number): boolean {
    const heapDistance = this.heapDistance;
    const heapIndex = this.heapIndex;
    if (this.heapSize < k) {
      // Sift up.
      let child = this.heapSize++;
      while (child > 0) {
        const parent = (child - 1) >>> 1;
        const pd = heapDistance[parent] as number;
        if (pd > distance || (pd === distance && (heapIndex[parent] as number) > index)) break;
        heapDistance[child] = pd;
        heapIndex[child] = heapIndex[parent] as number;
        child = parent;
      }
      heapDistance[child] = distance;
      heapIndex[child] = index;
      return true;
    }
    const worst = heapDistance[0] as number;
    if (distance > worst || (distance === worst && index > (heapIndex[0] as number))) return false;
    heapDistance[0] = distance;
    heapIndex[0] = index;
    this.siftDown(0, this.heapSize);
    return true;
  }

  /** Max-heap on (distance, index) lexicographically. */
  private siftDown(start: number, size: number): void {
    const heapDistance = this.heapDistance;
    const heapIndex = this.heapIndex;
    const distance = heapDistance[start] as number;
    const index = heapIndex[start] as number;
    let parent = start;
    for (;;) {
      let child = 2 * parent + 1;
      if (child >= size) break;
      const right = child + 1;
      if (right < size) {
        const cd = heapDistance[child] as number;
        const rd = heapDistance[right] as number;
        if (rd > cd || (rd === cd && (heapIndex[right] as number) > (heapIndex[child] as number)))
          child = right;
      }
      const cd = heapDistance[child] as number;
      if (cd < distance || (cd === distance && (heapIndex[child] as number) < index)) break;
      heapDistance[parent] = cd;
      heapIndex[parent] = heapIndex[child] as number;
      parent = child;
    }
    heapDistance[parent] = distance;
    heapIndex[parent] = index;
  }

  private swapHeap(a: number, b: number): void {
    const d = this.heapDistance[a] as number;
    this.heapDistance[a] = this.heapDistance[b] as number;
    this.heapDistance[b] = d;
    const i = this.heapIndex[a] as number;
    this.heapIndex[a] = this.heapIndex[b] as number;
    this.heapIndex[b] = i;
  }

  private countNode(node: number, radius: number, inclusive: boolean): number {
    const near = this.boxLowerBound(node);
    if (inclusive ? near > radius : near >= radius) return 0;
    const far = this.boxUpperBound(node);
    const start = this.nodeStart[node] as number;
    const end = this.nodeEnd[node] as number;
    if (inclusive ? far <= radius : far < radius) return end - start;
    const left = this.nodeLeft[node] as number;
    if (left >= 0) {
      return (
        this.countNode(left, radius, inclusive) +
        this.countNode(this.nodeRight[node] as number, radius, inclusive)
      );
    }
    let count = 0;
    for (let p = start; p < end; p++) {
      const distance = this.distanceTo(p);
      if (inclusive ? distance <= radius : distance < radius) count++;
    }
    return count;
  }
}

/**
 * Quickselect (Hoare partition): reorders `order[left..right]` so that the row at position `kth`
 * has the value it would have in sorted order of coordinate `column`, with no larger value before
 * it and no smaller after it. Expected O(right − left).
 */
function selectByCoordinate(
  order: Int32Array,
  data: Float64Array,
  columns: number,
  column: number,
  left: number,
  right: number,
  kth: number,
): void {
  const value = (p: number): number => data[(order[p] as number) * columns + column] as number;
  while (right > left) {
    const pivot = value((left + right) >>> 1);
    let i = left;
    let j = right;
    while (i <= j) {
      while (value(i) < pivot) i++;
      while (value(j) > pivot) j--;
      if (i <= j) {
        const t = order[i] as number;
        order[i] = order[j] as number;
        order[j] = t;
        i++;
        j--;
      }
    }
    if (kth <= j) right = j;
    else if (kth >= i) left = i;
    else return;
  }
}
