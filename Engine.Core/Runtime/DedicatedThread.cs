namespace Engine.Core.Runtime;

/// <summary>
/// Runs work on a new OS thread that ends afterwards: a thread that changed its namespaces, file-system context or
/// cgroup must never go back to a pool where other work would inherit that.
/// </summary>
internal static class DedicatedThread
{
    public static Task<T> RunAsync<T>(string name, Func<T> action)
    {
        var tcs = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                tcs.SetResult(action());
            }
            catch (Exception e)
            {
                tcs.SetException(e);
            }
        })
        { IsBackground = true, Name = name };
        thread.UnsafeStart();
        return tcs.Task;
    }
}
