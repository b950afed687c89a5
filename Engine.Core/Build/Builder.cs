using Engine.Core.Build.Dockerfile;
using Engine.Core.Containers;
using Engine.Storage.Errors;
using Engine.Storage.Images;
using Engine.Storage.Layers;

namespace Engine.Core.Build;

/// <summary>
/// One build: walks the Dockerfile's instructions, each producing an image on top of the previous one (Docker 1.7's
/// evaluator). State is the running config (Docker's b.Config), the current image id and the intermediate
/// containers still to remove. Not thread-safe: a build is one sequence of steps.
/// </summary>
internal sealed partial class Builder
{
    /// <summary>Environment expansion happens in these instructions only (Docker 1.7's replaceEnvAllowed).</summary>
    private static readonly HashSet<string> s_expand = ["env", "label", "add", "copy", "workdir", "expose", "volume", "user"];

    private readonly IImageStore _images;
    private readonly ILayerStore _layers;
    private readonly IContainerService _containers;
    private readonly BuildContext _context;
    private readonly BuildOptions _options;
    private readonly Func<string, ValueTask> _output;
    private readonly HttpClient _http;
    private readonly List<string> _tmpContainers = [];

    private ContainerConfig _config = new();
    private string? _image;
    private bool _noBaseImage;
    private string _maintainer = "";
    private bool _cmdSet;

    public Builder(IImageStore images, ILayerStore layers, IContainerService containers, BuildContext context, BuildOptions options, HttpClient http, Func<string, ValueTask> output)
    {
        _images = images;
        _layers = layers;
        _containers = containers;
        _context = context;
        _options = options;
        _http = http;
        _output = output;
    }

    /// <summary>Runs every step; returns the final image id.</summary>
    public async Task<string> RunAsync(IReadOnlyList<Instruction> instructions, CancellationToken cancellationToken)
    {
        for (var i = 0; i < instructions.Count; i++)
        {
            try
            {
                await DispatchAsync(i + 1, instructions[i], cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                if (_options.ForceRemove)
                {
                    await ClearTmpAsync().ConfigureAwait(false);
                }
                throw;
            }
            await WriteAsync($" ---> {ShortId(_image)}\n").ConfigureAwait(false);
            if (_options.Remove)
            {
                await ClearTmpAsync().ConfigureAwait(false);
            }
        }
        if (_image is null)
        {
            throw EngineException.Invalid("No image was generated. Is your Dockerfile empty?");
        }
        await WriteAsync($"Successfully built {ShortId(_image)}\n").ConfigureAwait(false);
        return _image;
    }

    private async Task DispatchAsync(int step, Instruction instruction, CancellationToken cancellationToken)
    {
        var args = instruction.Args;
        if (s_expand.Contains(instruction.Command))
        {
            args = [.. args.Select(a => ShellWord.Expand(a, _config.Env))];
        }
        await WriteAsync($"Step {step} : {instruction.StepText}\n").ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        switch (instruction.Command)
        {
            case "from":
                await FromAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "maintainer":
                await MaintainerAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "env":
                await EnvAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "label":
                await LabelAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "run":
                await RunStepAsync(args, instruction.Json, cancellationToken).ConfigureAwait(false);
                break;
            case "cmd":
                await CmdAsync(args, instruction.Json, cancellationToken).ConfigureAwait(false);
                break;
            case "entrypoint":
                await EntrypointAsync(args, instruction.Json, cancellationToken).ConfigureAwait(false);
                break;
            case "expose":
                await ExposeAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "user":
                await UserAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "volume":
                await VolumeAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "workdir":
                await WorkdirAsync(args, cancellationToken).ConfigureAwait(false);
                break;
            case "onbuild":
                await OnBuildAsync(instruction, cancellationToken).ConfigureAwait(false);
                break;
            case "add":
                await ContextCommandAsync(args, "ADD", allowRemote: true, allowDecompression: true, cancellationToken).ConfigureAwait(false);
                break;
            case "copy":
                await ContextCommandAsync(args, "COPY", allowRemote: false, allowDecompression: false, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw EngineException.Invalid($"Unknown instruction: {instruction.Command.ToUpperInvariant()}");
        }
    }

    private ValueTask WriteAsync(string text) => _output(text);

    private async Task ClearTmpAsync()
    {
        foreach (var id in _tmpContainers.ToList())
        {
            try
            {
                await _containers.RemoveAsync(id, force: true, removeVolumes: true, CancellationToken.None).ConfigureAwait(false);
            }
            catch (EngineException e)
            {
                await WriteAsync($"Error removing intermediate container {ShortId(id)}: {e.Message}\n").ConfigureAwait(false);
                return;
            }
            _tmpContainers.Remove(id);
            await WriteAsync($"Removing intermediate container {ShortId(id)}\n").ConfigureAwait(false);
        }
    }

    internal static string ShortId(string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return "";
        }
        var hex = id.StartsWith("sha256:", StringComparison.Ordinal) ? id[7..] : id;
        return hex.Length > 12 ? hex[..12] : hex;
    }
}
