using Engine.Core.Build;
using Engine.Core.Containers;
using Engine.Core.Events;
using Engine.Core.Exec;
using Engine.Core.Images;
using Engine.Core.SystemInfo;

namespace Engine.Core;

/// <summary>The facade a program starts from, grouped by resource as Docker's API is.</summary>
public interface IContainerEngine
{
    IContainerService Containers { get; }
    IImageService Images { get; }
    IExecService Exec { get; }
    IEventService Events { get; }
    ISystemService System { get; }

    /// <summary>docker build (Docker 1.7's classic builder).</summary>
    IBuildService Build { get; }
}
