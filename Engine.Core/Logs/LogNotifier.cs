namespace Engine.Core.Logs;

/// <summary>Wakes log followers when a log grows, and tells them when the writer is done.</summary>
internal sealed class LogNotifier
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _closed;

    public bool IsClosed
    {
        get
        {
            lock (_gate)
            {
                return _closed;
            }
        }
    }

    /// <summary>A task that completes at the next change or close. Take it before checking for new data.</summary>
    public Task NextChange()
    {
        lock (_gate)
        {
            return _closed ? Task.CompletedTask : _changed.Task;
        }
    }

    public void Notify()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }

    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
        _changed.TrySetResult();
    }
}
