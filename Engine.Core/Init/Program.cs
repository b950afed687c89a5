namespace Engine.Init;

internal static class Program
{
    private static int Main(string[] args)
    {
        Console.Error.WriteLine("engine-init: not implemented yet");
        return 127;
    }
}
