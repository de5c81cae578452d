using System.Collections;
using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Runtime.Serialization;
using System.Text;
using Akka.Actor;
using Akka.Serialization;
using BlueZero.Messages.Protocol;
using Newtonsoft.Json;

namespace BlueZero.Messages.Serialization;

/// <summary>
/// Serializes the internal protocol that crosses the wire. Each type has a fixed, short manifest; a manifest
/// that is not in <see cref="Manifests"/> is refused before any type is resolved, and Newtonsoft runs without
/// TypeNameHandling, so a sender can never make this node instantiate a type of its choosing.
/// </summary>
public sealed class BlueZeroSerializer : SerializerWithStringManifest
{
    public const int SerializerIdentifier = 0xB0_0001;

    /// <summary>The whole internal wire protocol. Adding a message means adding a line here.</summary>
    public static readonly IReadOnlyDictionary<string, Type> Manifests = new Dictionary<string, Type>
    {
        ["start"] = typeof(StartProcess),
        ["stop"] = typeof(StopProcess),
        ["restart"] = typeof(RestartProcess),
        ["query"] = typeof(QueryProcessStatus),
        ["list"] = typeof(ListActiveProcesses),
        ["list-all"] = typeof(ListProcesses),
        ["unschedule"] = typeof(Unschedule),
        ["kill-all"] = typeof(KillAll),
        ["started"] = typeof(ProcessStarted),
        ["stopped"] = typeof(ProcessStopped),
        ["restarted"] = typeof(ProcessRestarted),
        ["status"] = typeof(ProcessStatus),
        ["active"] = typeof(ActiveProcesses),
        ["processes"] = typeof(ProcessList),
        ["unscheduled"] = typeof(Unscheduled),
        ["killed"] = typeof(AllKilled),
        ["failed"] = typeof(CommandFailed),
        ["read-output"] = typeof(ReadOutput),
        ["output"] = typeof(OutputRead),
        ["stats-query"] = typeof(ProcessStatsQuery),
        ["stats"] = typeof(ProcessStats),
        ["node-state-query"] = typeof(NodeStateQuery),
        ["node-state"] = typeof(NodeState),
        ["host-info-query"] = typeof(HostInfoQuery),
        ["host-info"] = typeof(HostInfo),
        ["register"] = typeof(RegisterNode),
        ["registered"] = typeof(NodeRegistered),
        ["refused"] = typeof(NodeRegistrationRefused),
        ["rejoin"] = typeof(RejoinRequired),
        ["event-batch"] = typeof(EventBatch),
        ["events-stored"] = typeof(EventsStored),
        ["check-tcp"] = typeof(CheckTcp),
        ["tcp-checked"] = typeof(TcpChecked),
    };

    private static readonly IReadOnlyDictionary<Type, string> ManifestByType =
        Manifests.ToDictionary(pair => pair.Value, pair => pair.Key);

    /// <summary>
    /// One serializer for every message, as Akka's own Newtonsoft serializer keeps one: it is safe to share once
    /// configured, and <c>JsonConvert</c>'s helpers would build a new one, settings copied, on every call.
    /// </summary>
    private readonly JsonSerializer _json;

    public BlueZeroSerializer(ExtendedActorSystem system) : base(system)
    {
        _json = JsonSerializer.Create(new JsonSerializerSettings
        {
            TypeNameHandling = TypeNameHandling.None,
            MaxDepth = 32,
            NullValueHandling = NullValueHandling.Ignore,
            Converters = { new ActorRefConverter(system), WireNameConverter.Instance },
            ContractResolver = RequiredEnumsContractResolver.Instance,
        });
        // As JsonConvert.DeserializeObject does: anything after the message's object is refused.
        _json.CheckAdditionalContent = true;
    }

    public override int Identifier => SerializerIdentifier;

    public override string Manifest(object o) =>
        ManifestByType.TryGetValue(o.GetType(), out var manifest)
            ? manifest
            : throw new SerializationException($"{o.GetType().FullName} is not part of the BlueZero wire protocol");

    public override byte[] ToBinary(object obj)
    {
        Manifest(obj); // refuse unregistered types on the way out too
        var text = new StringWriter(new StringBuilder(256), CultureInfo.InvariantCulture);
        using (var writer = new JsonTextWriter(text) { ArrayPool = PooledChars.Instance })
            _json.Serialize(writer, obj);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        if (!Manifests.TryGetValue(manifest, out var type))
            throw new SerializationException($"unknown BlueZero manifest '{Truncate(manifest)}'; refusing to deserialize");
        object? message;
        try
        {
            using var reader = new JsonTextReader(new StringReader(Encoding.UTF8.GetString(bytes))) { ArrayPool = PooledChars.Instance };
            message = _json.Deserialize(reader, type);
        }
        catch (JsonException ex)
        {
            throw new SerializationException($"malformed payload for manifest '{manifest}': {ex.Message}", ex);
        }
        if (message is null) throw new SerializationException($"empty payload for manifest '{manifest}'");
        RequireNonNullableMembers(message);
        return message;
    }

    /// <summary>A member the null checks look at, with its name for the error text.</summary>
    private sealed record CheckedProperty(PropertyInfo Property, bool Required, string Member);

    private static readonly ConcurrentDictionary<Type, CheckedProperty[]> CheckedProperties = new();

    /// <summary>
    /// Newtonsoft leaves a missing field null even where the record says it cannot be; a peer must not be able to
    /// hand our actors such a message, so non-nullable members, entries of lists and maps, and targets are checked.
    /// </summary>
    private static void RequireNonNullableMembers(object message, int depth = 0)
    {
        if (depth > 8) throw new SerializationException("message nested too deeply");
        var properties = CheckedProperties.GetOrAdd(message.GetType(), type =>
        {
            var context = new NullabilityInfoContext();
            return type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .Where(p => !p.PropertyType.IsValueType && p.GetIndexParameters().Length == 0 && p.PropertyType != typeof(Type))
                .Select(p => new CheckedProperty(p, context.Create(p).ReadState == NullabilityState.NotNull, $"{type.Name}.{p.Name}"))
                .ToArray();
        });
        // Loops rather than LINQ: this runs on every message received, on every member.
        foreach (var (property, required, member) in properties)
        {
            var value = property.GetValue(message);
            switch (value)
            {
                case null when required:
                    throw new SerializationException($"{member} is missing");
                case IDictionary map when HoldsNull(map.Values):
                    throw new SerializationException($"{member} holds a null value");
                case IEnumerable items and not string when HoldsNull(items):
                    throw new SerializationException($"{member} holds a null entry");
                case ProcessTarget target when !target.IsWellFormed:
                    throw new SerializationException($"{member} must name exactly one of a positive pid or a non-empty name");
            }
            // Records of the protocol nested inside (a restart policy, a process entry) get the same checks.
            if (value is not null && IsProtocolRecord(value.GetType()))
                RequireNonNullableMembers(value, depth + 1);
            else if (value is IEnumerable nested and not string and not IDictionary and not IEnumerable<int>)
                foreach (var item in nested)
                    if (item is not null && IsProtocolRecord(item.GetType()))
                        RequireNonNullableMembers(item, depth + 1);
        }
    }

    private static bool HoldsNull(IEnumerable items)
    {
        // Lists of numbers (pids, exit codes) cannot hold null: no need to box each one to look.
        if (items is IEnumerable<int> or IEnumerable<long> or IEnumerable<double>) return false;
        foreach (var item in items)
            if (item is null) return true;
        return false;
    }

    private static bool IsProtocolRecord(Type type) => type.Namespace == typeof(IBlueZeroMessage).Namespace && type.IsClass;

    private static string Truncate(string text) => text.Length <= 64 ? text : text[..64] + "...";

    /// <summary>Newtonsoft's reader and writer take their character buffers from here instead of allocating them per message.</summary>
    private sealed class PooledChars : IArrayPool<char>
    {
        public static readonly PooledChars Instance = new();

        public char[] Rent(int minimumLength) => System.Buffers.ArrayPool<char>.Shared.Rent(minimumLength);

        public void Return(char[]? array)
        {
            if (array is not null) System.Buffers.ArrayPool<char>.Shared.Return(array);
        }
    }

    /// <summary>Actor references travel as their serialized path and are resolved by the receiving system.</summary>
    private sealed class ActorRefConverter(ExtendedActorSystem system) : JsonConverter<IActorRef>
    {
        public override void WriteJson(JsonWriter writer, IActorRef? value, JsonSerializer serializer)
        {
            if (value is null) writer.WriteNull();
            else writer.WriteValue(Akka.Serialization.Serialization.SerializedActorPath(value));
        }

        public override IActorRef? ReadJson(JsonReader reader, Type objectType, IActorRef? existingValue,
            bool hasExistingValue, JsonSerializer serializer) => reader.TokenType switch
        {
            JsonToken.String => system.Provider.ResolveActorRef((string)reader.Value!),
            JsonToken.Null => null,
            _ => throw new JsonSerializationException($"an actor reference must be a path string, not {reader.TokenType}"),
        };
    }
}
