using System.Text.Json;
using Engine.Core.Persistence;
using Engine.Storage.Errors;

namespace Engine.Core.Containers;

/// <summary>All containers by id and name; persists each record atomically to containers/&lt;id&gt;/config.json.</summary>
internal sealed class ContainerStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Container> _byId = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _idByName = new(StringComparer.Ordinal);

    public ContainerStore(string root)
    {
        Root = root;
        System.IO.Directory.CreateDirectory(root);
    }

    public string Root { get; }

    /// <summary>Loads every whole record under the root; directories without one (a create that died half-way) are removed.</summary>
    public IReadOnlyList<Container> Load()
    {
        var loaded = new List<Container>();
        foreach (var dir in System.IO.Directory.EnumerateDirectories(Root))
        {
            var file = Path.Combine(dir, "config.json");
            ContainerRecord? record = null;
            try
            {
                if (File.Exists(file))
                {
                    record = JsonSerializer.Deserialize(File.ReadAllBytes(file), CoreJsonContext.Default.ContainerRecord);
                }
            }
            catch (JsonException)
            {
                record = null;
            }
            if (record is null || record.Id != Path.GetFileName(dir))
            {
                continue;
            }
            var container = new Container(record, dir);
            lock (_gate)
            {
                _byId[record.Id] = container;
                _idByName[record.Name] = record.Id;
            }
            loaded.Add(container);
        }
        return loaded;
    }

    public string DirectoryFor(string id) => Path.Combine(Root, id);

    /// <summary>Reserves a name for an id; Conflict when another container has it.</summary>
    public void ReserveName(string name, string id)
    {
        lock (_gate)
        {
            if (_idByName.TryGetValue(name, out var owner) && owner != id)
            {
                throw EngineException.Conflict($"Conflict. The name \"/{name}\" is already in use by container {owner}. You have to remove (or rename) that container to be able to reuse that name.");
            }
            _idByName[name] = id;
        }
    }

    public void ReleaseName(string name, string id)
    {
        lock (_gate)
        {
            if (_idByName.TryGetValue(name, out var owner) && owner == id)
            {
                _idByName.Remove(name);
            }
        }
    }

    public bool NameInUse(string name)
    {
        lock (_gate)
        {
            return _idByName.ContainsKey(name);
        }
    }

    public void Add(Container container)
    {
        lock (_gate)
        {
            _byId[container.Id] = container;
        }
    }

    public void Remove(Container container)
    {
        lock (_gate)
        {
            _byId.Remove(container.Id);
            if (_idByName.TryGetValue(container.Record.Name, out var owner) && owner == container.Id)
            {
                _idByName.Remove(container.Record.Name);
            }
        }
    }

    public IReadOnlyList<Container> All()
    {
        lock (_gate)
        {
            return [.. _byId.Values];
        }
    }

    /// <summary>Full id, name (with or without '/'), or a unique id prefix; NotFound otherwise.</summary>
    public Container Get(string nameOrId)
    {
        if (string.IsNullOrEmpty(nameOrId))
        {
            throw EngineException.NotFound("No such container: ");
        }
        lock (_gate)
        {
            if (_byId.TryGetValue(nameOrId, out var byId))
            {
                return byId;
            }
            if (_idByName.TryGetValue(nameOrId.TrimStart('/'), out var id) && _byId.TryGetValue(id, out var byName))
            {
                return byName;
            }
            Container? match = null;
            foreach (var (key, value) in _byId)
            {
                if (key.StartsWith(nameOrId, StringComparison.Ordinal))
                {
                    if (match is not null)
                    {
                        throw EngineException.Invalid($"Multiple IDs found with provided prefix: {nameOrId}");
                    }
                    match = value;
                }
            }
            return match ?? throw EngineException.NotFound($"No such container: {nameOrId}");
        }
    }

    public void Save(Container container)
    {
        var bytes = JsonSerializer.SerializeToUtf8Bytes(container.Record, CoreJsonContext.Default.ContainerRecord);
        AtomicFile.WriteAllBytes(Path.Combine(container.Directory, "config.json"), bytes);
    }
}
