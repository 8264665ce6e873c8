using Microsoft.Extensions.Options;

namespace BlazorCutout.Web.Tasks.UrlFetch;

/// <summary>Stops the start with the problem in <see cref="UrlFetchOptions"/>, naming the setting.</summary>
public sealed class UrlFetchOptionsValidation : IValidateOptions<UrlFetchOptions>
{
    public ValidateOptionsResult Validate(string? name, UrlFetchOptions options) =>
        options.Problem() is { } problem ? ValidateOptionsResult.Fail(problem) : ValidateOptionsResult.Success;
}
