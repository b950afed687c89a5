using Engine.Core.Build;
using Engine.Core.Containers;
using Engine.Core.Events;
using Engine.Core.Exec;
using Engine.Core.Images;
using Engine.Core.SystemInfo;

namespace Engine.Core;

/// <summary>The default facade over the engine's services.</summary>
public sealed class ContainerEngine(IContainerService containers, IImageService images, IExecService exec, IEventService events, ISystemService system, IBuildService build) : IContainerEngine
{
    public IContainerService Containers { get; } = containers;
    public IImageService Images { get; } = images;
    public IExecService Exec { get; } = exec;
    public IEventService Events { get; } = events;
    public ISystemService System { get; } = system;
    public IBuildService Build { get; } = build;
}
