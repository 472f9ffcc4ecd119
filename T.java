public class T { public static void main(String[] a) throws Exception {
  var c = (javax.net.ssl.HttpsURLConnection) new java.net.URL("https://localhost:18444/healthz").openConnection();
  System.out.println("java: " + c.getResponseCode()); } }
