using System;
using System.IO;

namespace ProtoGen.Cli.CommandLine;

/// <summary>Reads a file named on the command line, turning every way that can fail into one line and exit code 3.</summary>
internal static class InputFile
{
    /// <summary>Reads all of <paramref name="path"/>.</summary>
    /// <param name="command">The command, for error messages.</param>
    /// <param name="path">The file, as the user named it.</param>
    /// <returns>The file's bytes.</returns>
    /// <exception cref="CliException">The path is a directory, does not exist, may not be read or cannot be read (exit code 3).</exception>
    public static byte[] ReadAllBytes(string command, string path)
    {
        string shown = ArgumentParser.Shorten(path);
        if (Directory.Exists(path))
        {
            throw new CliException(ExitCodes.FileError, $"{command}: cannot read '{shown}': it is a directory");
        }

        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new CliException(ExitCodes.FileError, $"{command}: cannot read '{shown}': no such file", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new CliException(ExitCodes.FileError, $"{command}: cannot read '{shown}': permission denied", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException or NotSupportedException)
        {
            throw new CliException(ExitCodes.FileError, $"{command}: cannot read '{shown}': {e.Message}", e);
        }
    }
}
