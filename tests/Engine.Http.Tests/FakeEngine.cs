using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Engine.Core;
using Engine.Core.Containers;
using Engine.Core.Events;
using Engine.Core.Images;
using Engine.Core.SystemInfo;
using Engine.Storage.Errors;

namespace Engine.Http.Tests;

/// <summary>An engine whose only container "echo" attaches: it echoes stdin back as stdout and ends at stdin's end.</summary>
internal sealed class FakeEngine : IContainerEngine, IContainerService
{
    public bool Tty { get; set; }
    public IContainerService Containers => this;
    public IImageService Images => throw new NotSupportedException();
    public Engine.Core.Exec.IExecService Exec => throw new NotSupportedException();
    public IEventService Events => throw new NotSupportedException();
    public ISystemService System => throw new NotSupportedException();

    public Task<IContainerAttachment> AttachAsync(string nameOrId, AttachOptions options, CancellationToken cancellationToken = default)
        => nameOrId == "echo"
            ? Task.FromResult<IContainerAttachment>(new EchoAttachment(Tty))
            : throw EngineException.NotFound($"No such container: {nameOrId}");

    public Task<CreateContainerResult> CreateAsync(CreateContainerRequest request, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<ContainerSummary>> ListAsync(ListContainersOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ContainerDetails> InspectAsync(string nameOrId, CancellationToken cancellationToken = default) => throw EngineException.NotFound($"No such container: {nameOrId}");
    public Task StartAsync(string nameOrId, HostConfig? hostConfig = null, CancellationToken cancellationToken = default) => throw EngineException.NotModified("already started");
    public Task StopAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task KillAsync(string nameOrId, string? signal = null, CancellationToken cancellationToken = default) => throw EngineException.NotRunning($"Container {nameOrId} is not running");
    public Task RestartAsync(string nameOrId, TimeSpan? timeout = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<int> WaitAsync(string nameOrId, CancellationToken cancellationToken = default) => Task.FromResult(3);
    public Task RemoveAsync(string nameOrId, bool force = false, bool removeVolumes = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task RenameAsync(string nameOrId, string newName, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public IAsyncEnumerable<LogEntry> LogsAsync(string nameOrId, LogsOptions options, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task ResizeAsync(string nameOrId, ushort height, ushort width, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task PauseAsync(string nameOrId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task UnpauseAsync(string nameOrId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ContainerTop> TopAsync(string nameOrId, string? psArgs = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public IAsyncEnumerable<ContainerStats> StatsAsync(string nameOrId, bool stream = true, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<IReadOnlyList<Engine.Storage.Drivers.Change>> ChangesAsync(string nameOrId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ContainerArchive> ExportAsync(string nameOrId, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ContainerArchive> CopyAsync(string nameOrId, string resource, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ContainerPathStat> StatPathAsync(string nameOrId, string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task<ContainerArchive> GetArchiveAsync(string nameOrId, string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    public Task ExtractToDirectoryAsync(string nameOrId, string path, Stream archive, bool noOverwriteDirNonDir = false, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    private sealed class EchoAttachment(bool tty) : IContainerAttachment
    {
        private readonly Channel<byte[]> _output = Channel.CreateUnbounded<byte[]>();

        public bool Tty => tty;

        public async IAsyncEnumerable<OutputChunk> ReadOutputAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
        {
            await foreach (var data in _output.Reader.ReadAllAsync(cancellationToken))
            {
                yield return new OutputChunk(StdStream.Stdout, data);
            }
        }

        public ValueTask WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
            => _output.Writer.WriteAsync(data.ToArray(), cancellationToken);

        public ValueTask CompleteStdinAsync()
        {
            _output.Writer.TryComplete();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
