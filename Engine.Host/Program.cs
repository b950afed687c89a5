Console.WriteLine("engine host: not implemented yet");
