using System.Text;
using System.Text.RegularExpressions;
using BlazorCutout.Web.Infrastructure;

namespace BlazorCutout.Web.Tasks.Worker;

/// <summary>
/// The lease owner id this instance's worker writes into the task rows it holds. It is kept in the data directory
/// (<c>worker/identity-N</c>, next to the database the leases live in), so an instance that starts again recognises
/// the leases it held before it died and takes them back at once instead of waiting for them to lapse.
/// </summary>
/// <remarks>
/// The id is only ours while we hold an exclusive lock on its file. The operating system drops the lock when the
/// process ends however it ends, so a file we can lock proves that whoever last used the id is gone, and leftover
/// leases under it are orphans. A second live instance on the same directory (started by mistake) finds slot 0 locked
/// and takes the next free slot, a different id; it therefore never reclaims the first one's live leases.
/// A copied data directory carries the same id, but also its own copy of the database, so reclaiming there touches
/// only the copy. When no slot can be locked (all busy, a read-only directory, or .NET's file locking switched off
/// with DOTNET_SYSTEM_IO_DISABLEFILELOCKING), the instance runs with a fresh id for this run only: its leases then
/// lapse after a crash as before, which is slow but never unsafe.
/// </remarks>
internal sealed partial class WorkerIdentity : IDisposable
{
    public const string FolderName = "worker";

    /// <summary>How many instances on one data directory keep a durable id; any further one runs with a fresh id.</summary>
    public const int Slots = 8;

    private readonly FileStream? _lock;

    private WorkerIdentity(string id, FileStream? lockedFile)
    {
        Id = id;
        _lock = lockedFile;
    }

    public string Id { get; }

    /// <summary>True when the id is kept in the data directory (leases found under it at start are a dead run's leftovers).</summary>
    public bool IsDurable => _lock is not null;

    public static WorkerIdentity Acquire(DataDirectory dataDirectory, ILogger logger)
    {
        if (FileLockingDisabled())
        {
            logger.LogWarning("Task worker: file locking is switched off, so a kept worker identity could be shared by two instances; using a fresh one for this run");
            return Fresh();
        }
        string folder;
        try
        {
            folder = dataDirectory.GetFolder(FolderName);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogWarning(e, "Task worker: cannot keep a worker identity in the data directory; using a fresh one for this run");
            return Fresh();
        }
        for (var slot = 0; slot < Slots; slot++)
        {
            var path = Path.Combine(folder, $"identity-{slot}");
            FileStream file;
            try
            {
                // FileShare.None takes an exclusive flock on Unix (a sharing lock on Windows), held until we dispose it.
                file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                continue; // another live instance (or another host in this process) holds this slot
            }
            catch (UnauthorizedAccessException e)
            {
                logger.LogWarning(e, "Task worker: cannot open {Path}; using a fresh worker identity for this run", path);
                return Fresh();
            }
            try
            {
                return new WorkerIdentity(ReadOrWrite(file), file);
            }
            catch (IOException e)
            {
                file.Dispose();
                logger.LogWarning(e, "Task worker: cannot read or write {Path}; using a fresh worker identity for this run", path);
                return Fresh();
            }
        }
        logger.LogWarning("Task worker: {Slots} other instances already use this data directory; using a fresh worker identity for this run", Slots);
        return Fresh();
    }

    public void Dispose() => _lock?.Dispose();

    private static WorkerIdentity Fresh() => new(NewId(), null);

    private static string NewId() => "w-" + Guid.NewGuid().ToString("N")[..12];

    /// <summary>The id stored in the file, or a new one written there when the file is new or holds anything else.</summary>
    private static string ReadOrWrite(FileStream file)
    {
        var buffer = new byte[64];
        var read = file.Read(buffer);
        var stored = Encoding.ASCII.GetString(buffer, 0, read).Trim();
        if (IdPattern().IsMatch(stored)) return stored;
        var id = NewId();
        file.SetLength(0);
        file.Write(Encoding.ASCII.GetBytes(id + "\n"));
        file.Flush(flushToDisk: true);
        return id;
    }

    // The same switch .NET reads for FileShare emulation on Unix; with it on, our lock would lock nothing.
    private static bool FileLockingDisabled() =>
        (AppContext.TryGetSwitch("System.IO.DisableFileLocking", out var disabled) && disabled)
        || Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is { } value
            && (value == "1" || (bool.TryParse(value, out var on) && on));

    [GeneratedRegex("^w-[0-9a-f]{12}$")]
    private static partial Regex IdPattern();
}
