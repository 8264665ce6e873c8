using Xunit;
using BlazorCutout.Engine.Imaging;

namespace BlazorCutout.Engine.Tests.Imaging;

public class MaxFlowGraphTests
{
    [Fact]
    public void Textbook_graph()
    {
        // s→0 (3), s→1 (2), 0→1 (1), 0→t (2), 1→t (3): max flow 5.
        var g = new MaxFlowGraph(2, 1);
        g.AddTerminal(0, 3, 2);
        g.AddTerminal(1, 2, 3);
        g.AddEdge(0, 1, 1, 0);
        Assert.Equal(5, g.Solve(), 5);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    public void Matches_brute_force_minimum_cut_on_random_graphs(int seed)
    {
        var random = new Random(seed);
        for (int round = 0; round < 40; round++)
        {
            int n = random.Next(2, 10);
            var source = new float[n];
            var sink = new float[n];
            var edges = new List<(int I, int J, float Cij, float Cji)>();
            var g = new MaxFlowGraph(n, 4);
            for (int i = 0; i < n; i++)
            {
                source[i] = random.Next(0, 4) == 0 ? 0 : random.Next(0, 20);
                sink[i] = random.Next(0, 4) == 0 ? 0 : random.Next(0, 20);
                g.AddTerminal(i, source[i], sink[i]);
            }
            for (int k = random.Next(0, n * 3); k > 0; k--)
            {
                int i = random.Next(n), j = random.Next(n);
                if (i == j) continue;
                var e = (i, j, (float)random.Next(0, 15), (float)random.Next(0, 15));
                edges.Add(e);
                g.AddEdge(e.Item1, e.Item2, e.Item3, e.Item4);
            }
            double flow = g.Solve();

            double best = double.MaxValue;
            for (int mask = 0; mask < 1 << n; mask++) // bit set = source side
            {
                double cut = 0;
                for (int i = 0; i < n; i++) cut += (mask >> i & 1) == 1 ? sink[i] : source[i];
                foreach (var (i, j, cij, cji) in edges)
                {
                    bool si = (mask >> i & 1) == 1, sj = (mask >> j & 1) == 1;
                    if (si && !sj) cut += cij;
                    if (sj && !si) cut += cji;
                }
                best = Math.Min(best, cut);
            }
            Assert.Equal(best, flow, 3);

            // The labelling it reports must itself be a minimum cut.
            double reported = 0;
            for (int i = 0; i < n; i++) reported += g.IsSource(i) ? sink[i] : source[i];
            foreach (var (i, j, cij, cji) in edges)
            {
                if (g.IsSource(i) && !g.IsSource(j)) reported += cij;
                if (g.IsSource(j) && !g.IsSource(i)) reported += cji;
            }
            Assert.Equal(best, reported, 3);
        }
    }

    [Fact]
    public void Reset_allows_solving_again_with_new_terminal_arcs()
    {
        var g = new MaxFlowGraph(3, 2);
        g.AddEdge(0, 1, 4, 4);
        g.AddEdge(1, 2, 4, 4);
        g.AddTerminal(0, 10, 0);
        g.AddTerminal(2, 0, 10);
        Assert.Equal(4, g.Solve(), 5);
        Assert.True(g.IsSource(0));
        Assert.False(g.IsSource(2));

        // Now the source feeds node 2 and node 0 drains 3: the cut moves to 0→t and everything joins the source side.
        g.Reset();
        g.AddTerminal(0, 0, 3);
        g.AddTerminal(2, 10, 0);
        Assert.Equal(3, g.Solve(), 5);
        Assert.True(g.IsSource(0));
        Assert.True(g.IsSource(2));
    }
}
