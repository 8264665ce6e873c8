namespace BlazorCutout.Engine.Imaging;

/// <summary>
/// Min-cut / max-flow by Boykov–Kolmogorov ("An Experimental Comparison of Min-Cut/Max-Flow Algorithms", PAMI 2004):
/// two search trees grown from source and sink, augmenting along the path where they meet, then re-adopting the
/// orphans the saturated arcs cut off. On vision grids it beats push-relabel because the trees are reused.
/// Arcs come in pairs (a, a^1) so the reverse arc of a is a ^ 1.
/// </summary>
internal sealed class MaxFlowGraph
{
    private const int None = -1, Terminal = -2, Orphan = -3;
    private const int InfiniteDistance = int.MaxValue;

    private readonly int _nodes;
    private readonly int[] _first, _parent, _ts, _dist;
    private readonly float[] _trCap;
    private readonly bool[] _sinkTree;
    private int[] _head, _next;
    private float[] _cap;
    private int _arcs;
    private float[]? _initialCap;
    private int _time;

    private readonly Queue<int> _active = new();
    private readonly bool[] _queued;
    private readonly Queue<int> _orphans = new();

    public MaxFlowGraph(int nodes, int expectedEdges)
    {
        _nodes = nodes;
        _first = new int[nodes];
        Array.Fill(_first, -1);
        _parent = new int[nodes];
        _ts = new int[nodes];
        _dist = new int[nodes];
        _trCap = new float[nodes];
        _sinkTree = new bool[nodes];
        _queued = new bool[nodes];
        _head = new int[expectedEdges * 2];
        _next = new int[expectedEdges * 2];
        _cap = new float[expectedEdges * 2];
    }

    public double Flow { get; private set; }

    /// <summary>
    /// Terminal arcs: <paramref name="sourceCap"/> is paid when the node ends on the sink side (the s→i arc is cut),
    /// <paramref name="sinkCap"/> when it ends on the source side. Only the difference is stored.
    /// </summary>
    public void AddTerminal(int node, float sourceCap, float sinkCap)
    {
        float delta = _trCap[node];
        if (delta > 0) sourceCap += delta; else sinkCap -= delta;
        Flow += Math.Min(sourceCap, sinkCap);
        _trCap[node] = sourceCap - sinkCap;
    }

    public void AddEdge(int i, int j, float capIJ, float capJI)
    {
        if (_initialCap is not null) throw new InvalidOperationException("Edges must be added before the first Solve.");
        if (_arcs + 2 > _head.Length)
        {
            int size = Math.Max(16, _head.Length * 2);
            Array.Resize(ref _head, size);
            Array.Resize(ref _next, size);
            Array.Resize(ref _cap, size);
        }
        int a = _arcs, b = _arcs + 1;
        _arcs += 2;
        _head[a] = j; _cap[a] = capIJ; _next[a] = _first[i]; _first[i] = a;
        _head[b] = i; _cap[b] = capJI; _next[b] = _first[j]; _first[j] = b;
    }

    /// <summary>True when the node ends on the source side of the minimum cut.</summary>
    public bool IsSource(int node) => _parent[node] != None && !_sinkTree[node];

    /// <summary>
    /// Back to the state before the first <see cref="Solve"/>: arc capacities as added, no terminal arcs, no flow.
    /// Lets iterative callers (GrabCut) reuse one graph and change only the terminal arcs.
    /// </summary>
    public void Reset()
    {
        if (_initialCap is not null) Array.Copy(_initialCap, _cap, _arcs);
        Array.Clear(_trCap);
        Array.Clear(_queued);
        _active.Clear();
        _orphans.Clear();
        _time = 0;
        Flow = 0;
    }

    public double Solve()
    {
        _initialCap ??= _cap.AsSpan(0, _arcs).ToArray();
        for (int i = 0; i < _nodes; i++)
        {
            _ts[i] = 0;
            if (_trCap[i] > 0) { _sinkTree[i] = false; _parent[i] = Terminal; _dist[i] = 1; Activate(i); }
            else if (_trCap[i] < 0) { _sinkTree[i] = true; _parent[i] = Terminal; _dist[i] = 1; Activate(i); }
            else _parent[i] = None;
        }

        int current = -1;
        while (true)
        {
            int i = current;
            if (i < 0 || _parent[i] == None)
            {
                current = -1;
                i = NextActive();
                if (i < 0) break;
            }

            int meeting = -1; // arc from the source tree into the sink tree
            if (!_sinkTree[i])
            {
                for (int a = _first[i]; a >= 0; a = _next[a])
                {
                    if (_cap[a] <= 0) continue;
                    int j = _head[a];
                    if (_parent[j] == None)
                    {
                        _sinkTree[j] = false; _parent[j] = a ^ 1; _ts[j] = _ts[i]; _dist[j] = _dist[i] + 1;
                        Activate(j);
                    }
                    else if (_sinkTree[j]) { meeting = a; break; }
                    else if (_ts[j] <= _ts[i] && _dist[j] > _dist[i])
                    {
                        _parent[j] = a ^ 1; _ts[j] = _ts[i]; _dist[j] = _dist[i] + 1;
                    }
                }
            }
            else
            {
                for (int a = _first[i]; a >= 0; a = _next[a])
                {
                    if (_cap[a ^ 1] <= 0) continue;
                    int j = _head[a];
                    if (_parent[j] == None)
                    {
                        _sinkTree[j] = true; _parent[j] = a ^ 1; _ts[j] = _ts[i]; _dist[j] = _dist[i] + 1;
                        Activate(j);
                    }
                    else if (!_sinkTree[j]) { meeting = a ^ 1; break; }
                    else if (_ts[j] <= _ts[i] && _dist[j] > _dist[i])
                    {
                        _parent[j] = a ^ 1; _ts[j] = _ts[i]; _dist[j] = _dist[i] + 1;
                    }
                }
            }

            _time++;
            if (meeting >= 0)
            {
                current = i; // i may still have unexplored neighbours: keep growing from it next time
                Augment(meeting);
                Adopt();
            }
            else current = -1;
        }
        return Flow;
    }

    private void Activate(int i)
    {
        if (_queued[i]) return;
        _queued[i] = true;
        _active.Enqueue(i);
    }

    private int NextActive()
    {
        while (_active.TryDequeue(out int i))
        {
            _queued[i] = false;
            if (_parent[i] != None) return i;
        }
        return -1;
    }

    private void Augment(int middle)
    {
        // Bottleneck along source-tree path, the middle arc and the sink-tree path.
        float bottleneck = _cap[middle];
        int i;
        for (i = _head[middle ^ 1]; _parent[i] != Terminal; i = _head[_parent[i]])
            bottleneck = Math.Min(bottleneck, _cap[_parent[i] ^ 1]);
        bottleneck = Math.Min(bottleneck, _trCap[i]);
        for (i = _head[middle]; _parent[i] != Terminal; i = _head[_parent[i]])
            bottleneck = Math.Min(bottleneck, _cap[_parent[i]]);
        bottleneck = Math.Min(bottleneck, -_trCap[i]);

        _cap[middle ^ 1] += bottleneck;
        _cap[middle] -= bottleneck;
        for (i = _head[middle ^ 1]; ; )
        {
            int a = _parent[i];
            if (a == Terminal) break;
            _cap[a] += bottleneck;
            _cap[a ^ 1] -= bottleneck;
            if (_cap[a ^ 1] <= 0) MakeOrphan(i);
            i = _head[a];
        }
        _trCap[i] -= bottleneck;
        if (_trCap[i] <= 0) MakeOrphan(i);
        for (i = _head[middle]; ; )
        {
            int a = _parent[i];
            if (a == Terminal) break;
            _cap[a ^ 1] += bottleneck;
            _cap[a] -= bottleneck;
            if (_cap[a] <= 0) MakeOrphan(i);
            i = _head[a];
        }
        _trCap[i] += bottleneck;
        if (_trCap[i] >= 0) MakeOrphan(i);
        Flow += bottleneck;
    }

    private void MakeOrphan(int i)
    {
        _parent[i] = Orphan;
        _orphans.Enqueue(i);
    }

    private void Adopt()
    {
        while (_orphans.TryDequeue(out int i))
        {
            bool sink = _sinkTree[i];
            int bestArc = -1, bestDist = InfiniteDistance;
            for (int a = _first[i]; a >= 0; a = _next[a])
            {
                // Residual capacity must point from the candidate parent towards i in the source tree, and away in the sink tree.
                if ((sink ? _cap[a] : _cap[a ^ 1]) <= 0) continue;
                int j = _head[a];
                if (_sinkTree[j] != sink || _parent[j] == None) continue;
                int d = DistanceToTerminal(j);
                if (d == InfiniteDistance) continue;
                if (d < bestDist) { bestDist = d; bestArc = a; }
                for (int k = j; _ts[k] != _time; k = _head[_parent[k]])
                {
                    _ts[k] = _time;
                    _dist[k] = d--;
                }
            }

            if (bestArc >= 0)
            {
                _parent[i] = bestArc;
                _ts[i] = _time;
                _dist[i] = bestDist + 1;
                continue;
            }

            // No valid parent: i becomes free, its children become orphans and its neighbours may grow into it again.
            for (int a = _first[i]; a >= 0; a = _next[a])
            {
                int j = _head[a];
                if (_sinkTree[j] != sink || _parent[j] == None) continue;
                if ((sink ? _cap[a] : _cap[a ^ 1]) > 0) Activate(j);
                int pj = _parent[j];
                if (pj != Terminal && pj != Orphan && _head[pj] == i) MakeOrphan(j);
            }
            _parent[i] = None;
        }
    }

    /// <summary>Length of j's path to its terminal, or infinite if it ends at an orphan; uses the per-iteration cache in ts/dist.</summary>
    private int DistanceToTerminal(int j)
    {
        int d = 0;
        for (int k = j; ; )
        {
            if (_ts[k] == _time) return d + _dist[k];
            int a = _parent[k];
            d++;
            if (a == Terminal)
            {
                _ts[k] = _time;
                _dist[k] = 1;
                return d;
            }
            if (a == Orphan) return InfiniteDistance;
            k = _head[a];
        }
    }
}
