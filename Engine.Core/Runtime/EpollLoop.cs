using System.Collections.Concurrent;
using Engine.Core.Interop;
using Native = Engine.Core.Interop.Interop;
using Microsoft.Extensions.Logging;

namespace Engine.Core.Runtime;

/// <summary>
/// The runtime's one epoll thread. It watches pidfds (exit of every container and exec process) and
/// non-blocking pipe, pty and control-socket descriptors whose readers and writers await readiness here.
/// </summary>
internal sealed partial class EpollLoop : IDisposable
{
    private readonly SafeFdHandle _epoll;
    private readonly SafeFdHandle _wake;
    private readonly ConcurrentDictionary<ulong, Entry> _entries = new();
    private readonly Thread _thread;
    private readonly ILogger _logger;
    private long _nextToken;
    private volatile bool _disposed;

    public EpollLoop(ILogger logger)
    {
        _logger = logger;
        _epoll = Native.EpollCreate();
        _wake = Native.EventFd();
        Native.EpollControl(_epoll, _wake, Native.EPOLLIN, 0, modify: false);
        _thread = new Thread(Run) { IsBackground = true, Name = "engine-epoll" };
        _thread.Start();
    }

    internal abstract class Entry
    {
        public abstract void OnReady(int events);
    }

    /// <summary>Registers a non-blocking descriptor whose owner awaits readiness with <see cref="FdRegistration.WaitAsync"/>.</summary>
    public FdRegistration Register(SafeFdHandle fd)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ulong token = (ulong)Interlocked.Increment(ref _nextToken);
        var registration = new FdRegistration(this, fd, token);
        _entries[token] = registration.Entry;
        return registration;
    }

    /// <summary>Completes with Docker's exit code once the child behind <paramref name="pidfd"/> exits (and reaps it).</summary>
    public Task<int> WatchExit(SafeFdHandle pidfd, int pid)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ulong token = (ulong)Interlocked.Increment(ref _nextToken);
        var watch = new ExitWatch(this, pidfd, pid, token);
        _entries[token] = watch;
        Native.EpollControl(_epoll, pidfd, Native.EPOLLIN, token, modify: false);
        return watch.Exited.Task;
    }

    private void Run()
    {
        var ready = new Native.EpollReady[64];
        while (!_disposed)
        {
            int n;
            try
            {
                n = Native.EpollWait(_epoll, ready);
            }
            catch (Exception e)
            {
                Log.EpollFailed(_logger, e);
                return;
            }
            for (int i = 0; i < n; i++)
            {
                if (ready[i].Token == 0)
                {
                    continue;
                }
                if (_entries.TryGetValue(ready[i].Token, out var entry))
                {
                    try
                    {
                        entry.OnReady(ready[i].Events);
                    }
                    catch (Exception e)
                    {
                        Log.EpollCallbackFailed(_logger, e);
                    }
                }
            }
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Native.EventFdSignal(_wake);
        if (Thread.CurrentThread != _thread)
        {
            _thread.Join();
        }
        foreach (var entry in _entries.Values)
        {
            if (entry is FdRegistration.RegistrationEntry r)
            {
                r.Owner.Fail(new ObjectDisposedException(nameof(EpollLoop)));
            }
        }
        _entries.Clear();
        _wake.Dispose();
        _epoll.Dispose();
    }

    private sealed class ExitWatch(EpollLoop loop, SafeFdHandle pidfd, int pid, ulong token) : Entry
    {
        public TaskCompletionSource<int> Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void OnReady(int events)
        {
            int? code = Native.WaitPidfd(pidfd, noHang: true);
            if (code is null)
            {
                return;
            }
            Native.EpollRemove(loop._epoll, pidfd);
            loop._entries.TryRemove(token, out _);
            Log.ProcessExited(loop._logger, pid, code.Value);
            Exited.TrySetResult(code.Value);
        }
    }

    /// <summary>A descriptor registered with the loop; one waiter at a time (one direction per descriptor).</summary>
    internal sealed class FdRegistration : IDisposable
    {
        private readonly EpollLoop _loop;
        private readonly SafeFdHandle _fd;
        private readonly ulong _token;
        private readonly Lock _gate = new();
        private TaskCompletionSource<int>? _waiter;
        private bool _added;
        private bool _disposed;

        public FdRegistration(EpollLoop loop, SafeFdHandle fd, ulong token)
        {
            _loop = loop;
            _fd = fd;
            _token = token;
            Entry = new RegistrationEntry(this);
        }

        internal RegistrationEntry Entry { get; }

        internal sealed class RegistrationEntry(FdRegistration owner) : EpollLoop.Entry
        {
            public FdRegistration Owner { get; } = owner;

            public override void OnReady(int events)
            {
                TaskCompletionSource<int>? waiter;
                lock (Owner._gate)
                {
                    waiter = Owner._waiter;
                    Owner._waiter = null;
                }
                waiter?.TrySetResult(events);
            }
        }

        /// <summary>Waits until the descriptor is ready for <paramref name="events"/> (EPOLLIN or EPOLLOUT), hang-up or error.</summary>
        public async Task WaitAsync(int events, CancellationToken cancellationToken)
        {
            var tcs = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                _waiter = tcs;
                Native.EpollControl(_loop._epoll, _fd, events | Native.EPOLLONESHOT, _token, modify: _added);
                _added = true;
            }
            if (!cancellationToken.CanBeCanceled)
            {
                await tcs.Task.ConfigureAwait(false);
                return;
            }
            using (cancellationToken.UnsafeRegister(static (state, ct) =>
            {
                var (self, waiter) = ((FdRegistration, TaskCompletionSource<int>))state!;
                lock (self._gate)
                {
                    if (self._waiter == waiter)
                    {
                        self._waiter = null;
                    }
                }
                waiter.TrySetCanceled(ct);
            }, (this, tcs)))
            {
                await tcs.Task.ConfigureAwait(false);
            }
        }

        internal void Fail(Exception error)
        {
            TaskCompletionSource<int>? waiter;
            lock (_gate)
            {
                waiter = _waiter;
                _waiter = null;
            }
            waiter?.TrySetException(error);
        }

        /// <summary>Removes the descriptor from epoll (before it is closed: a dup would keep it registered).</summary>
        public void Dispose()
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                _disposed = true;
                if (_added && !_loop._disposed)
                {
                    Native.EpollRemove(_loop._epoll, _fd);
                }
            }
            _loop._entries.TryRemove(_token, out _);
            Fail(new ObjectDisposedException("stream"));
        }
    }
}
