using BlazorCutout.Web.Tasks;

namespace BlazorCutout.Web.History;

/// <summary>Which of History's grid columns the server can sort by: the grid names a column by its property.</summary>
public static class HistorySort
{
    public static TaskOrder? Order(string? column) => column switch
    {
        nameof(TaskView.CreatedAt) => TaskOrder.Created,
        nameof(TaskView.State) => TaskOrder.State,
        nameof(TaskView.ProviderName) => TaskOrder.Provider,
        nameof(TaskView.Operation) => TaskOrder.Operation,
        _ => null,
    };
}
